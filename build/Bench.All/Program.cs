using System.Diagnostics;

// dotnet run --project build/Bench.All [-- --short] [--skip NAME,...] [--only NAME,...] [--pack]
//
// Runs every benchmark harness under build/, one after the other, each as `dotnet run -c Release`:
// Bench.Micro (BenchmarkDotNet, then its --commits mode: goal 2 timed per commit against the floor in
// the same run), Bench.Store, Bench.Concurrency and Bench.BuildOverhead. --short is passed on to each
// (a few seconds per benchmark). Bench.BuildOverhead needs the packed SDK in
// artifacts/packages: without it the harness is skipped, unless --pack packs it first. Names for
// --skip/--only: Micro, Commits, Store, Concurrency, BuildOverhead. BenchmarkDotNet's reports go to
// artifacts/bench/. Prints a summary; exit code 1 when a harness failed (crashed or exited non-zero),
// never because of a timing.
var quick = args.Contains("--short");
var pack = args.Contains("--pack");
var skip = List(args, "--skip");
var only = List(args, "--only");
var repo = FindRepo();
var results = new List<(string Name, string Outcome, TimeSpan Took)>();

var harnesses = new (string Name, string Project, Func<string?> Skip, string[] Args)[]
{
    ("Micro", "Micro", () => null, ["--artifacts", Path.Combine(repo, "artifacts", "bench", "BenchmarkDotNet")]),
    ("Commits", "Micro", () => null, ["--commits", quick ? "5" : "30"]),
    ("Store", "Store", () => null, []),
    ("Concurrency", "Concurrency", () => null, []),
    ("BuildOverhead", "BuildOverhead", BuildOverheadSkipReason, []),
};

foreach (var (name, project, skipReason, extra) in harnesses)
{
    if (skip.Contains(name) || (only.Count > 0 && !only.Contains(name)))
    {
        results.Add((name, "skipped (asked)", TimeSpan.Zero));
        continue;
    }

    if (skipReason() is { } reason)
    {
        Console.WriteLine($"==> Bench.{name}: skipped: {reason}");
        results.Add((name, $"skipped ({reason})", TimeSpan.Zero));
        continue;
    }

    string[] command = ["run", "--project", Path.Combine(repo, "build", $"Bench.{project}"), "-c", "Release", "--", .. quick ? ["--short"] : Array.Empty<string>(), .. extra];
    Console.WriteLine($"==> Bench.{name}: dotnet {string.Join(' ', command.Select(a => a.Replace(repo + Path.DirectorySeparatorChar, "")))}");
    var watch = Stopwatch.StartNew();
    var exit = Run(repo, command);
    watch.Stop();
    var outcome = exit == 0 ? "ok" : $"FAILED (exit code {exit})";
    Console.WriteLine($"==> Bench.{name}: {outcome} in {watch.Elapsed.TotalSeconds:0} s");
    results.Add((name, outcome, watch.Elapsed));
}

Console.WriteLine();
Console.WriteLine("benchmark harnesses:");
foreach (var (name, outcome, took) in results)
{
    Console.WriteLine($"  Bench.{name,-14} {outcome}{(took > TimeSpan.Zero ? $" ({took.TotalSeconds:0} s)" : "")}");
}

var failed = results.Count(r => r.Outcome.StartsWith("FAILED", StringComparison.Ordinal));
Console.WriteLine($"benchmarks: {results.Count(r => r.Outcome == "ok")} ran, {failed} failed, {results.Count(r => r.Outcome.StartsWith("skipped", StringComparison.Ordinal))} skipped");
return failed == 0 ? 0 : 1;

string? BuildOverheadSkipReason()
{
    var packages = Path.Combine(repo, "artifacts", "packages");
    if (Directory.Exists(packages) && Directory.GetFiles(packages, "BuildState.Sdk.*.nupkg").Length > 0)
    {
        return null;
    }

    if (!pack)
    {
        return "no BuildState.Sdk package in artifacts/packages; pass --pack, or run `dotnet pack BuildStateSdk.sln -c Release -o artifacts/packages`";
    }

    Console.WriteLine("==> packing the SDK for Bench.BuildOverhead: dotnet pack BuildStateSdk.sln -c Release -o artifacts/packages");
    return Run(repo, ["pack", Path.Combine(repo, "BuildStateSdk.sln"), "-c", "Release", "-o", packages, "-nodeReuse:false", "-v:q"]) == 0
        ? null
        : "packing the SDK failed";
}

static int Run(string directory, string[] arguments)
{
    var info = new ProcessStartInfo("dotnet") { WorkingDirectory = directory, UseShellExecute = false };
    foreach (var a in arguments)
    {
        info.ArgumentList.Add(a);
    }

    using var process = Process.Start(info)!;
    process.WaitForExit();
    return process.ExitCode;
}

static HashSet<string> List(string[] args, string name)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length
        ? args[at + 1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(n => n.Replace("Bench.", "", StringComparison.Ordinal)).ToHashSet(StringComparer.OrdinalIgnoreCase)
        : new HashSet<string>(StringComparer.OrdinalIgnoreCase);
}

static string FindRepo()
{
    foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "BuildStateSdk.sln")))
            {
                return dir.FullName;
            }
        }
    }

    throw new InvalidOperationException("run from inside the repository (no BuildStateSdk.sln above the current folder)");
}
