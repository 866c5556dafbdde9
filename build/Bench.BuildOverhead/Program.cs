using System.Diagnostics;
using System.Globalization;

// dotnet run --project build/Bench.BuildOverhead -c Release [-- --rounds N] [--short] [--noop-only] [--trace N] [--node-reuse] [--sdk-form] [--control] [--baseline DIR] [--shape typical]
//
// Builds two copies of the same 10-project solution (a library chain plus an app), one adopting
// BuildState.Sdk from Directory.Build.props and one not, from artifacts/packages (run
// `dotnet pack BuildStateSdk.sln -c Release -o artifacts/packages` first). Each round builds both,
// in alternating order, with -m: a clean build (bin/obj removed) and a no-op incremental build.
// Prints per-round times, the medians and their ratios, and the peak memory of the build's
// processes (entry and worker nodes, from /proc), with and without. --noop-only skips the clean
// builds of the rounds (a clean build takes ten times a no-op one): more no-op rounds in the same
// time, for the goal that needs them most (a 2% gap under a noise of 20% per round).
// --node-reuse builds as `dotnet build` does by default (worker nodes stay up between builds),
// each solution with its own node pool (MSBUILDNODEHANDSHAKESALT), so a node warmed by one
// variant never serves the other; the nodes are stopped at the end. Without it: -nodeReuse:false.
// --sdk-form adopts the SDK as an MSBuild SDK (`<Import Sdk="BuildState.Sdk" Version=...>` in
// Directory.Build.props and .targets, what `<Sdk Name=... />` does) instead of a PackageReference:
// no package for NuGet's targets to process in every project, which a solution without any other
// package would otherwise pay for.
// --control adds a third copy of the solution, built in the same rounds (the order rotated each
// round): one with a PackageReference to an empty package (a nuspec and a text file, made here),
// the control for what any PackageReference costs a solution that has none. The goal's figure is
// still the SDK against the solution without it; the control splits that figure into a package's
// presence (NuGet's and the .NET SDK's targets for a project with a package) and the SDK's own cost.
// --baseline DIR adds a copy of the solution adopting the BuildState.Sdk package found in DIR (an
// earlier commit's, packed there), built in the same rounds in rotated order, each with its own
// NuGet cache (both packages are 1.0.0): a change's cost or gain against that commit, measured in
// the same hour, which two runs of the harness hours apart cannot show on this machine.
// --shape typical builds projects shaped like a real solution's (packages, test projects, 60 files
// each, the common switches: TypicalSolution.cs) instead of the smallest ones; the goal's figure is
// read from the default shape.
var rounds = args.Contains("--short") ? 2 : ReadInt(args, "--rounds", 7);
var noopOnly = args.Contains("--noop-only");
var traceBuilds = ReadInt(args, "--trace", 0);
NodePools.Enabled = args.Contains("--node-reuse");
var sdkForm = args.Contains("--sdk-form");
var control = args.Contains("--control");
var baseline = ReadString(args, "--baseline", "");
var typical = ReadString(args, "--shape", "minimal") switch
{
    "minimal" => false,
    "typical" => true,
    var other => throw new ArgumentException($"--shape is minimal or typical, not '{other}'"),
};
var repo = FindRepo();
var packages = Path.Combine(repo, "artifacts", "packages");
if (!Directory.Exists(packages) || Directory.GetFiles(packages, "BuildState.Sdk.*.nupkg").Length == 0)
{
    Console.Error.WriteLine("no BuildState.Sdk package: run `dotnet pack BuildStateSdk.sln -c Release -o artifacts/packages` first");
    return 1;
}

var work = Path.Combine(Path.GetTempPath(), "bst-bench-" + Guid.NewGuid().ToString("N")[..8]);
var with = Solution(Path.Combine(work, "with"), packages, useSdk: true, sdkForm, typical);
var without = Solution(Path.Combine(work, "without"), packages, useSdk: false, sdkForm: false, typical);
var variants = new List<(string Dir, string Name)> { (with, "with"), (without, "without") };
if (control)
{
    var feed = Path.Combine(work, "control-feed");
    EmptyPackage.Write(feed);
    variants.Add((Solution(Path.Combine(work, "empty-package"), packages, useSdk: false, sdkForm: false, typical, emptyPackageFeed: feed), "empty package"));
}

if (baseline.Length > 0)
{
    if (Directory.GetFiles(baseline, "BuildState.Sdk.*.nupkg").Length == 0)
    {
        Console.Error.WriteLine($"--baseline {baseline}: no BuildState.Sdk package there");
        return 1;
    }

    variants.Add((Solution(Path.Combine(work, "baseline"), Path.GetFullPath(baseline), useSdk: true, sdkForm, typical), "baseline"));
}

var defaultCache = Path.Combine(work, "nuget");
var caches = variants.ToDictionary(v => v.Dir, v => v.Name == "baseline" ? Path.Combine(work, "nuget-baseline") : defaultCache);
foreach (var (dir, _) in variants)
{
    Run(dir, caches[dir], "restore", "all.proj");
}

foreach (var (dir, _) in variants)
{
    Build(dir, caches[dir]); // warm-up: first builds pay JIT and disk cache costs for each
}

var results = variants.SelectMany(v => new[] { $"clean {v.Name}", $"noop {v.Name}" }).ToDictionary(k => k, _ => new List<double>());
var memory = variants.ToDictionary(v => v.Name, _ => new List<long>());
for (var round = 0; round < rounds; round++)
{
    // Rotated each round (two variants: alternated), so none is always first or always last.
    var order = variants.Skip(round % variants.Count).Concat(variants.Take(round % variants.Count));
    foreach (var (dir, name) in order)
    {
        if (!noopOnly)
        {
            Clean(dir);
            var (clean, peak) = Build(dir, caches[dir]);
            results[$"clean {name}"].Add(clean);
            memory[name].Add(peak);
        }

        var (noop, _) = Build(dir, caches[dir], sampleMemory: false);
        results[$"noop {name}"].Add(noop);
    }

    var baselineTimes = baseline.Length > 0 ? $", baseline: no-op {results["noop baseline"][^1]:0} ms" : "";
    var controlTimes = control ? $", empty package: {(noopOnly ? "" : $"clean {results["clean empty package"][^1]:0} ms, ")}no-op {results["noop empty package"][^1]:0} ms" : "";
    Console.WriteLine((noopOnly
        ? $"round {round + 1}: no-op {results["noop with"][^1]:0} / {results["noop without"][^1]:0} ms (with / without)"
        : $"round {round + 1}: clean {results["clean with"][^1]:0} / {results["clean without"][^1]:0} ms, no-op {results["noop with"][^1]:0} / {results["noop without"][^1]:0} ms (with / without)") + controlTimes + baselineTimes);
}

static double Median(List<double> v) { var s = v.Order().ToList(); return s.Count == 0 ? double.NaN : s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2; }
// Both figures: the ratio of the medians, and the median of each round's ratio (with and without
// built back to back, so a round shares the machine's mood; it is the steadier of the two here).
List<double> Ratios(string kind, string of = "with", string to = "without") => results[$"{kind} {of}"].Zip(results[$"{kind} {to}"], (w, o) => w / o).ToList();
var noopRatio = Median(results["noop with"]) / Median(results["noop without"]);
var cleanRatio = Median(results["clean with"]) / Median(results["clean without"]);
var memRatio = noopOnly ? double.NaN : memory["with"].Average() / memory["without"].Average();
Console.WriteLine();
Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}; date {DateTime.UtcNow:yyyy-MM-dd}; rounds {rounds}; SDK adopted {(sdkForm ? "as an MSBuild SDK (Import Sdk=)" : "by a PackageReference")}; projects of the {(typical ? "typical" : "minimal")} shape");
Console.WriteLine($"no-op build, median: {Median(results["noop with"]):0} ms with, {Median(results["noop without"]):0} ms without, ratio {noopRatio:0.000}, median of the rounds' ratios {Median(Ratios("noop")):0.000} (goal <= 1.02)");
Console.WriteLine($"no-op ratios by round: {string.Join(" ", Ratios("noop").Select(r => r.ToString("0.00", CultureInfo.InvariantCulture)))}");
var (low, high) = BootstrapMedianInterval(Ratios("noop"));
Console.WriteLine($"no-op median of the rounds' ratios, 95% interval (bootstrap): {low:0.000} to {high:0.000}");
Console.WriteLine(noopOnly ? "clean builds and memory: not measured (--noop-only)" : $"clean build, median: {Median(results["clean with"]):0} ms with, {Median(results["clean without"]):0} ms without, ratio {cleanRatio:0.000}, median of the rounds' ratios {Median(Ratios("clean")):0.000} (goal <= 1.05)");
if (control)
{
    // Both from the same rounds' builds: a package's presence, and the SDK's cost beyond it.
    var (emptyLow, emptyHigh) = BootstrapMedianInterval(Ratios("noop", "empty package"));
    Console.WriteLine($"control, an empty package by a PackageReference: no-op median {Median(results["noop empty package"]):0} ms, ratio to without {Median(results["noop empty package"]) / Median(results["noop without"]):0.000}, median of the rounds' ratios {Median(Ratios("noop", "empty package")):0.000} (95% interval {emptyLow:0.000} to {emptyHigh:0.000})");
    var (beyondLow, beyondHigh) = BootstrapMedianInterval(Ratios("noop", "with", "empty package"));
    Console.WriteLine($"the SDK against the empty package: no-op ratio {Median(results["noop with"]) / Median(results["noop empty package"]):0.000}, median of the rounds' ratios {Median(Ratios("noop", "with", "empty package")):0.000} (95% interval {beyondLow:0.000} to {beyondHigh:0.000})");
}

if (baseline.Length > 0)
{
    var (baseLow, baseHigh) = BootstrapMedianInterval(Ratios("noop", "with", "baseline"));
    Console.WriteLine($"against the baseline package ({baseline}): no-op median {Median(results["noop baseline"]):0} ms, the SDK's ratio to it {Median(results["noop with"]) / Median(results["noop baseline"]):0.000}, median of the rounds' ratios {Median(Ratios("noop", "with", "baseline")):0.000} (95% interval {baseLow:0.000} to {baseHigh:0.000}); the baseline against no SDK: median of the rounds' ratios {Median(Ratios("noop", "baseline")):0.000}");
}

Console.WriteLine(noopOnly ? "" : $"peak memory of the build's processes (clean builds, mean): {memory["with"].Average() / 1048576:0} MiB with, {memory["without"].Average() / 1048576:0} MiB without, ratio {memRatio:0.000} (goal <= 1.05)");
if (traceBuilds > 0)
{
    TraceNoopBuilds(with, defaultCache, traceBuilds);
}

NodePools.StopAll();
try
{
    Directory.Delete(work, recursive: true);
}
catch (IOException)
{
}

return 0;

// How far the median of the rounds' ratios can be trusted: the 2.5th and 97.5th percentiles of
// the medians of 2,000 resamples (with replacement, a fixed seed) of the rounds. With rounds that
// vary by 10-20% each, this is what says whether a 2% goal was shown met, missed, or neither.
static (double Low, double High) BootstrapMedianInterval(List<double> ratios)
{
    if (ratios.Count == 0)
    {
        return (double.NaN, double.NaN);
    }

    var random = new Random(20261206);
    var medians = new double[2000];
    var sample = new List<double>(ratios.Count);
    for (var i = 0; i < medians.Length; i++)
    {
        sample.Clear();
        for (var j = 0; j < ratios.Count; j++)
        {
            sample.Add(ratios[random.Next(ratios.Count)]);
        }

        medians[i] = Median(sample);
    }

    Array.Sort(medians);
    return (medians[(int)(medians.Length * 0.025)], medians[(int)(medians.Length * 0.975) - 1]);
}

static string Solution(string root, string packages, bool useSdk, bool sdkForm, bool typical, string? emptyPackageFeed = null)
{
    Directory.CreateDirectory(Path.Combine(root, ".git"));
    var controlSource = emptyPackageFeed is null ? "" : $"""<add key="control" value="{emptyPackageFeed}" />""";
    File.WriteAllText(Path.Combine(root, "nuget.config"), $"""
        <configuration><packageSources><clear /><add key="local" value="{packages}" />{controlSource}<add key="nuget.org" value="https://api.nuget.org/v3/index.json" /></packageSources></configuration>
        """);
    var adoption = (useSdk, sdkForm) switch
    {
        (false, _) when emptyPackageFeed is not null => $"""<ItemGroup><PackageReference Include="{EmptyPackage.Id}" Version="1.0.0" PrivateAssets="all" /></ItemGroup>""",
        (false, _) => "",
        (true, false) => """<ItemGroup><PackageReference Include="BuildState.Sdk" Version="1.0.0" PrivateAssets="all" /></ItemGroup>""",
        (true, true) => """<Import Project="Sdk.props" Sdk="BuildState.Sdk" Version="1.0.0" />""",
    };
    File.WriteAllText(Path.Combine(root, "Directory.Build.props"), $"<Project>{adoption}{(typical ? TypicalSolution.Properties : "")}</Project>");
    if (useSdk && sdkForm)
    {
        File.WriteAllText(Path.Combine(root, "Directory.Build.targets"), """<Project><Import Project="Sdk.targets" Sdk="BuildState.Sdk" Version="1.0.0" /></Project>""");
    }

    if (typical)
    {
        TypicalSolution.Write(root);
    }
    else
    {
        for (var i = 0; i < 10; i++)
        {
            var name = $"P{i}";
            var reference = i == 0 ? "" : $"""<ItemGroup><ProjectReference Include="../P{i - 1}/P{i - 1}.csproj" /></ItemGroup>""";
            var kind = i == 9 ? "<OutputType>Exe</OutputType>" : "";
            Directory.CreateDirectory(Path.Combine(root, "src", name));
            File.WriteAllText(Path.Combine(root, "src", name, name + ".csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><TargetFramework>net10.0</TargetFramework>{kind}</PropertyGroup>{reference}</Project>
                """);
            for (var f = 0; f < 20; f++)
            {
                File.WriteAllText(Path.Combine(root, "src", name, $"C{f}.cs"), $"namespace {name}; public static class C{f} {{ public static int M(int x) => x * {f + 1} + {i}; }}\n");
            }

            if (i == 9)
            {
                File.WriteAllText(Path.Combine(root, "src", name, "Program.cs"), "System.Console.WriteLine(P9.C1.M(1));\n");
            }
        }
    }

    File.WriteAllText(Path.Combine(root, "all.proj"), """
        <Project DefaultTargets="Build">
          <ItemGroup><ProjectReference Include="src/*/*.csproj" /></ItemGroup>
          <Target Name="Restore"><MSBuild Projects="@(ProjectReference)" Targets="Restore" /></Target>
          <Target Name="Build"><MSBuild Projects="@(ProjectReference)" Targets="Build" BuildInParallel="true" /></Target>
        </Project>
        """);
    return root;
}

static void Clean(string root)
{
    foreach (var dir in Directory.GetDirectories(Path.Combine(root, "src")))
    {
        var bin = Path.Combine(dir, "bin");
        if (Directory.Exists(bin))
        {
            Directory.Delete(bin, recursive: true);
        }

        // Keep obj/project.assets.json (restore output); remove build outputs.
        foreach (var sub in Directory.Exists(Path.Combine(dir, "obj")) ? Directory.GetDirectories(Path.Combine(dir, "obj")) : [])
        {
            Directory.Delete(sub, recursive: true);
        }
    }
}

static (double Ms, long PeakBytes) Build(string root, string cache, bool sampleMemory = true) => RunWith(root, cache, null, sampleMemory, "build", "all.proj", "-m", "--no-restore");

static (double Ms, long PeakBytes) Run(string root, string cache, params string[] args) => RunWith(root, cache, null, true, args);

// sampleMemory: read the process tree's resident memory every 50 ms while the build runs (the
// peak-memory goal, from clean builds). Each sample reads every process's status in /proc, a
// load on a 2-core machine that would slow the very builds it measures: no-op builds, whose
// wall time is the goal, are timed without it (until 2026-12-06 they were timed with it).
static (double Ms, long PeakBytes) RunWith(string root, string cache, string? tracePath, bool sampleMemory, params string[] args)
{
    // With reused nodes the build's output goes to a log file: a node inherits the entry process's
    // standard streams and keeps them open after the build, so reading a pipe to its end would wait
    // for the node's idle timeout.
    var reuse = NodePools.Enabled && args[0] == "build";
    var log = reuse ? Path.Combine(root, "build.log") : null;
    var info = new ProcessStartInfo("dotnet") { WorkingDirectory = root, RedirectStandardOutput = !reuse, RedirectStandardError = !reuse };
    foreach (var a in reuse ? args.Append("-nodeReuse:true").Append("-v:q").Append("-noConsoleLogger").Append("-fl").Append($"-flp:logfile={log};verbosity=minimal") : args.Append("-nodeReuse:false").Append("-v:q"))
    {
        info.ArgumentList.Add(a);
    }

    if (reuse)
    {
        info.Environment["MSBUILDNODEHANDSHAKESALT"] = NodePools.Salt(root);
        // MSBuild ignores -nodeReuse:true while this is set (machines and CI images often set it),
        // and would then time builds without reuse under this option's name.
        info.Environment.Remove("MSBUILDDISABLENODEREUSE");
    }

    info.Environment["NUGET_PACKAGES"] = cache;
    info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
    info.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
    if (tracePath is not null)
    {
        info.Environment["BUILDSTATE_TRACE"] = tracePath;
    }
    var watch = Stopwatch.StartNew();
    using var process = Process.Start(info)!;
    var output = reuse ? Task.FromResult("") : process.StandardOutput.ReadToEndAsync();
    var error = reuse ? Task.FromResult("") : process.StandardError.ReadToEndAsync();
    long peak = 0;
    if (sampleMemory)
    {
        while (!process.WaitForExit(50))
        {
            peak = Math.Max(peak, TreeRss(process.Id, reuse ? NodePools.Nodes : null));
        }
    }
    else
    {
        process.WaitForExit();
    }

    watch.Stop();
    if (reuse)
    {
        NodePools.Collect(NodePools.Salt(root)); // the nodes it started outlive it: found here (after the timing), stopped at the end
    }

    if (process.ExitCode != 0)
    {
        throw new InvalidOperationException($"dotnet {string.Join(' ', args)} failed in {root}:\n{output.Result}{error.Result}{(log is not null && File.Exists(log) ? File.ReadAllText(log) : "")}");
    }

    return (watch.Elapsed.TotalMilliseconds, peak);
}

// Resident memory of a process and its descendants (MSBuild worker nodes), from /proc.
// `descendants`, when given, collects their ids (the reusable nodes a build started).
static long TreeRss(int root, HashSet<int>? descendants = null)
{
    if (!OperatingSystem.IsLinux())
    {
        return 0;
    }

    var children = new Dictionary<int, List<int>>();
    var rss = new Dictionary<int, long>();
    foreach (var dir in Directory.GetDirectories("/proc"))
    {
        if (!int.TryParse(Path.GetFileName(dir), out var pid))
        {
            continue;
        }

        try
        {
            var stat = File.ReadAllText(Path.Combine(dir, "stat"));
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var parent = int.Parse(fields[1], CultureInfo.InvariantCulture);
            rss[pid] = long.Parse(fields[21], CultureInfo.InvariantCulture) * 4096;
            (children.TryGetValue(parent, out var list) ? list : children[parent] = []).Add(pid);
        }
        catch (Exception e) when (e is IOException or FormatException or IndexOutOfRangeException or UnauthorizedAccessException)
        {
        }
    }

    long total = 0;
    var stack = new Stack<int>([root]);
    while (stack.Count > 0)
    {
        var pid = stack.Pop();
        total += rss.GetValueOrDefault(pid);
        if (pid != root)
        {
            descendants?.Add(pid);
        }

        foreach (var child in children.GetValueOrDefault(pid) ?? [])
        {
            stack.Push(child);
        }
    }

    return total;
}

// --trace N: N more no-op builds with the SDK's own timings on (BUILDSTATE_TRACE), for the figure
// a 20%-noisy wall time cannot give: how long the SDK's tasks kept MSBuild's threads busy per
// build, against the build's wall time. Lines of work on background threads (the last commit of
// each project, the sweep) are summed apart: they delay no target.
static void TraceNoopBuilds(string root, string cache, int builds)
{
    var trace = Path.Combine(Path.GetTempPath(), $"bst-trace-{Guid.NewGuid():N}.txt");
    var foreground = new List<double>();
    var background = new List<double>();
    var foregroundCpu = new List<double>();
    var backgroundCpu = new List<double>();
    var walls = new List<double>();
    var firstBegin = new List<double>();
    for (var i = 0; i < builds; i++)
    {
        File.Delete(trace);
        var (wall, _) = RunWith(root, cache, trace, false, "build", "all.proj", "-m", "--no-restore");
        // pid, time since process start, step, wall ms, thread CPU ms (-1 where not read)
        var lines = File.ReadAllLines(trace).Select(l => l.Split(' ')).Where(f => f.Length == 5).ToList();
        double Sum(Func<string, bool> step, int field) => lines.Where(f => step(f[2])).Sum(f => Math.Max(0, double.Parse(f[field], CultureInfo.InvariantCulture)));
        bool IsTask(string s) => s.StartsWith("BuildState", StringComparison.Ordinal) || s == "session.dispose";
        bool IsBackground(string s) => s is "background.commit" or "begin.sweep" or "begin.register";
        walls.Add(wall);
        foreground.Add(Sum(IsTask, 3));
        background.Add(Sum(IsBackground, 3));
        foregroundCpu.Add(Sum(IsTask, 4));
        backgroundCpu.Add(Sum(IsBackground, 4));
        firstBegin.Add(lines.Where(f => f[2] == "BuildStateBeginRun").GroupBy(f => f[0]).Sum(g => double.Parse(g.First()[3], CultureInfo.InvariantCulture)));
    }

    File.Delete(trace);
    Console.WriteLine($"SDK task time per no-op build (median of {builds}): {Median(foreground):0} ms on MSBuild's threads, all nodes together ({Median(foreground) / Median(walls):P1} of the build's {Median(walls):0} ms wall time; of it, each node's first BuildStateBeginRun: {Median(firstBegin):0} ms), and {Median(background):0} ms on background threads");
    Console.WriteLine($"SDK CPU time per no-op build (median of {builds}, the threads' own CPU time): {Median(foregroundCpu):0.0} ms in its tasks on MSBuild's threads, {Median(backgroundCpu):0.0} ms on background threads, {Median(foregroundCpu.Zip(backgroundCpu, (a, b) => a + b).ToList()):0.0} ms in all");
}

static string ReadString(string[] args, string name, string fallback)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
}

static int ReadInt(string[] args, string name, int fallback)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length && int.TryParse(args[at + 1], out var value) ? value : fallback;
}

static string FindRepo()
{
    for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "BuildStateSdk.sln")))
        {
            return dir.FullName;
        }
    }

    throw new InvalidOperationException("run this from inside the BuildStateSdk repository");
}

// The reusable nodes of --node-reuse: one handshake salt per solution, and the processes seen under
// the builds' entry processes, stopped at the end (reused nodes would otherwise idle for minutes).
internal static class NodePools
{
    private static readonly Dictionary<string, string> Salts = [];

    /// <summary>Every process seen under a build's entry process while it ran (its worker nodes).</summary>
    public static HashSet<int> Nodes { get; } = [];

    public static bool Enabled { get; set; }

    public static string Salt(string root) => Salts.TryGetValue(root, out var salt) ? salt : Salts[root] = Guid.NewGuid().ToString("N");

    /// <summary>Adds to <see cref="Nodes"/> every process whose environment carries this pool's salt (Linux).</summary>
    public static void Collect(string salt)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var marker = System.Text.Encoding.UTF8.GetBytes($"MSBUILDNODEHANDSHAKESALT={salt}\0");
        foreach (var dir in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || Nodes.Contains(pid))
            {
                continue;
            }

            try
            {
                if (File.ReadAllBytes(Path.Combine(dir, "environ")).AsSpan().IndexOf(marker) >= 0)
                {
                    Nodes.Add(pid);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
    }

    public static void StopAll()
    {
        foreach (var pid in Nodes)
        {
            try
            {
                using var node = Process.GetProcessById(pid);
                if (node.ProcessName != "dotnet")
                {
                    continue; // gone, and its id taken by another program
                }

                node.Kill();
                node.WaitForExit(10_000);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
            }
        }
    }
}

// The control of --control: a package with nothing in it for a build to use (no lib, build or
// analyzer assets), so what a project pays for referencing it is what NuGet and the .NET SDK
// charge for any PackageReference.
internal static class EmptyPackage
{
    public const string Id = "BuildState.Bench.EmptyPackage";

    public static void Write(string feed)
    {
        Directory.CreateDirectory(feed);
        using var zip = System.IO.Compression.ZipFile.Open(Path.Combine(feed, $"{Id.ToLowerInvariant()}.1.0.0.nupkg"), System.IO.Compression.ZipArchiveMode.Create);
        Add(zip, $"{Id}.nuspec", $"""
            <?xml version="1.0" encoding="utf-8"?>
            <package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd"><metadata><id>{Id}</id><version>1.0.0</version><authors>BuildStateSdk</authors><description>The benchmark's control: a package with nothing in it.</description><developmentDependency>true</developmentDependency></metadata></package>
            """);
        Add(zip, "readme.txt", "The control of Bench.BuildOverhead --control: a package with nothing in it.\n");
    }

    private static void Add(System.IO.Compression.ZipArchive zip, string name, string text)
    {
        using var writer = new StreamWriter(zip.CreateEntry(name).Open());
        writer.Write(text);
    }
}
