using System.Diagnostics;
using BuildState.Model;
using BuildState.Store;

// dotnet run --project build/Bench.Store -c Release [-- --builds 1000 --runs 100] [--short] [--keep]
//
// Makes a store of BUILDS builds with RUNS runs each (six history records per run, as the SDK
// writes them), then measures what the CLI's status/list do (BuildStore.List from the index, cold
// process and warm), `buildstate status --json` as a real process when the CLI is built, recovery
// of one corrupted build, and validate throughput. --keep leaves the store in place (its path is
// printed) for timing the CLI by hand, e.g. with hyperfine.
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

var cli = FindCli();
if (cli is not null)
{
    var process = Median(Enumerable.Range(0, 5).Select(_ => Time(() => RunCli(cli, root, "status", "--json"))));
    var list = Median(Enumerable.Range(0, 5).Select(_ => Time(() => RunCli(cli, root, "list", "--json"))));
    Console.WriteLine($"buildstate status --json as a process: median {process:0} ms; list --json: {list:0} ms (process start and JIT included)");
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
    var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
    info.ArgumentList.Add(cli);
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

static string? FindCli()
{
    for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
    {
        var cli = Path.Combine(dir.FullName, "artifacts", "cli", "buildstate.dll");
        if (File.Exists(Path.Combine(dir.FullName, "BuildStateSdk.sln")))
        {
            return File.Exists(cli) ? cli : null;
        }
    }

    return null;
}

static int ReadInt(string[] args, string name, int fallback)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length && int.TryParse(args[at + 1], out var value) ? value : fallback;
}
