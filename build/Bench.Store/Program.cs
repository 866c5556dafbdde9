using System.Diagnostics;
using BuildState.Model;
using BuildState.Store;

// dotnet run --project build/Bench.Store -c Release [-- --builds 1000 --runs 100] [--short] [--keep]
// dotnet run --project build/Bench.Store -c Release -- --breakdown   (where a commit's and a checkpoint's time goes, see Breakdown.cs)
//
// Makes a store of BUILDS builds with RUNS runs each (six history records per run, as the SDK
// writes them), then measures what the CLI's status/list do (BuildStore.List from the index, cold
// process and warm), `buildstate status/list` as real processes (the native build the tool package
// installs here, and the portable one when build/Demo has built it), recovery of one corrupted
// build, and validate throughput. --keep leaves the store in place (its path is
// printed) for timing the CLI by hand, e.g. with hyperfine.
if (args.Contains("--breakdown"))
{
    return Breakdown.Run();
}

var quick = args.Contains("--short");
var keep = args.Contains("--keep");
var builds = quick ? 100 : ReadInt(args, "--builds", 1000);
var runs = quick ? 10 : ReadInt(args, "--runs", 100);
var root = Path.Combine(Path.GetTempPath(), "bst-store-bench-" + Guid.NewGuid().ToString("N")[..8], ".buildstate");
var options = new StoreOptions { Durability = Durability.None };
var store = BuildStore.Open(root, options);

var watch = Stopwatch.StartNew();
Parallel.For(0, builds, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, b =>
{
    var id = $"src/Project{b:D4}/Project{b:D4}.csproj|Release|net10.0";
    for (var r = 0; r < runs; r++)
    {
        store.StartRun(id, new StartRunRequest { RunId = $"run-{r:D4}", ThenTransitionTo = "Setup" });
        store.Advance(id, new AdvanceRequest { Dependencies = b == 0 ? [] : [$"src/Project{b - 1:D4}/Project{b - 1:D4}.csproj|Release|net10.0"], Transitions = ["Build"] });
        store.Advance(id, new AdvanceRequest { Transitions = ["Cleanup", "Complete"] });
    }
});
Console.WriteLine($"made {builds} builds x {runs} runs ({builds * runs * 3} commits) in {watch.Elapsed.TotalSeconds:0.0} s; store {DirSize(root) / 1048576.0:0} MiB");

// status/list: what the CLI does for them, in a fresh store object (no warm caches).
var cold = Time(() => BuildStore.Open(root).List());
var warm = Median(Enumerable.Range(0, 9).Select(_ => Time(() => BuildStore.Open(root).List())));
Console.WriteLine($"List() (status/list): first {cold:0.0} ms, median of 9 {warm:0.0} ms (goal < 100 ms)");

// The CLI as a process: the build `dotnet tool install BuildState.Cli` installs on this platform
// (Native AOT, published here first) and the portable one (BuildState.Cli.any; build/Demo
// builds it into artifacts/cli), alternated, 9 runs each.
foreach (var (name, cli) in FindClis())
{
    var times = new Dictionary<string, List<double>>();
    for (var run = 0; run < 9; run++)
    {
        foreach (var verb in new[] { "status --json", "list --json", "status", "list" })
        {
            (times.TryGetValue(verb, out var list) ? list : times[verb] = []).Add(Time(() => RunCli(cli, root, verb.Split(' '))));
        }
    }

    Console.WriteLine($"buildstate as a process ({name}), median ms: {string.Join(", ", times.Select(t => $"{t.Key} {Median(t.Value):0}"))}");
}

// Recovery of one build whose current_state.json is garbage.
var victim = "src/Project0000/Project0000.csproj|Release|net10.0";
File.WriteAllText(store.Layout.StateFile(BuildKey.For(victim)), "garbage");
var recover = Time(() => BuildStore.Open(root).Recover(victim));
Console.WriteLine($"Recover(one corrupt build with {runs} runs of history): {recover:0.0} ms (goal <= 100 ms)");

// Validate throughput.
watch.Restart();
var report = new StoreValidator(BuildStore.Open(root)).Validate();
watch.Stop();
Console.WriteLine($"Validate: {report.BuildsChecked} builds, {report.FilesChecked} files, {report.BytesChecked / 1048576.0:0} MiB in {watch.Elapsed.TotalSeconds:0.00} s = {report.FilesChecked / watch.Elapsed.TotalSeconds:0} files/s, {report.BytesChecked / 1048576.0 / watch.Elapsed.TotalSeconds:0} MiB/s; problems: {report.Problems.Count}");
Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}; date {DateTime.UtcNow:yyyy-MM-dd}");
if (keep)
{
    BuildStore.Open(root).Recover(victim);
    Console.WriteLine($"store kept: {root}");
}
else
{
    Directory.Delete(Path.GetDirectoryName(root)!, recursive: true);
}

return 0;

static double Time(Action action)
{
    var watch = Stopwatch.StartNew();
    action();
    return watch.Elapsed.TotalMilliseconds;
}

static double Median(IEnumerable<double> values)
{
    var sorted = values.Order().ToList();
    return sorted[sorted.Count / 2];
}

static long DirSize(string dir) => new DirectoryInfo(dir).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);

static void RunCli(string cli, string root, params string[] args)
{
    var native = !cli.EndsWith(".dll", StringComparison.Ordinal);
    var info = new ProcessStartInfo(native ? cli : "dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
    if (!native)
    {
        info.ArgumentList.Add(cli);
    }

    foreach (var a in args.Append("--root").Append(root))
    {
        info.ArgumentList.Add(a);
    }

    using var p = Process.Start(info)!;
    p.StandardOutput.ReadToEnd();
    p.WaitForExit();
    if (p.ExitCode != 0)
    {
        throw new InvalidOperationException($"buildstate {string.Join(' ', args)} exited {p.ExitCode}: {p.StandardError.ReadToEnd()}");
    }
}

static IEnumerable<(string Name, string Path)> FindClis()
{
    var repo = new DirectoryInfo(Directory.GetCurrentDirectory());
    while (repo is not null && !File.Exists(Path.Combine(repo.FullName, "BuildStateSdk.sln")))
    {
        repo = repo.Parent;
    }

    if (repo is null)
    {
        yield break;
    }

    var rid = System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier;
    var nativeDir = Path.Combine(repo.FullName, "artifacts", "cli-native");
    var native = Path.Combine(nativeDir, OperatingSystem.IsWindows() ? "buildstate.exe" : "buildstate");
    {
        // Always published (incremental), so that a stale build is never measured.
        Console.WriteLine($"publishing the native CLI ({rid}) into {nativeDir} ...");
        using var publish = Process.Start("dotnet", ["publish", Path.Combine(repo.FullName, "src", "BuildState.Cli"), "-c", "Release", "-r", rid, "-o", nativeDir, "-nodeReuse:false", "-v:q"]);
        publish.WaitForExit();
    }

    if (File.Exists(native))
    {
        yield return ($"Native AOT, the {rid} tool package", native);
    }

    var portable = Path.Combine(repo.FullName, "artifacts", "cli", "buildstate.dll");
    if (File.Exists(portable))
    {
        yield return ("portable, the any tool package", portable);
    }
}

static int ReadInt(string[] args, string name, int fallback)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length && int.TryParse(args[at + 1], out var value) ? value : fallback;
}
