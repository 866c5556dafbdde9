using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;

// dotnet run --project build/Bench.Micro -c Release [-- --short] [BenchmarkDotNet arguments, e.g. --filter *Sqlite*]
// dotnet run --project build/Bench.Micro -c Release -- --commits [seconds]: StoreBenchmarks.FullTransition
// timed one commit at a time against the floor, growths of the history log and folds of the index journal
// told apart; --series FILE writes each block's means (CommitTimes).
// Without --short: BenchmarkDotNet's default job (a process per benchmark, as many iterations as it needs).
// --short: a quick pass of a few seconds per benchmark, in this process (no generated project to
// build), 1 warm-up and 3 iterations of about 150 ms (or one call, when longer). CI uses it so the
// benchmarks never rot; the figures are rough, and CI never fails on a timing.
if (args.Contains("--commits"))
{
    return Bench.Micro.CommitTimes.Run(args);
}

var quick = args.Contains("--short");
var rest = args.Where(a => a != "--short").ToArray();
var config = DefaultConfig.Instance.WithOptions(ConfigOptions.DisableOptimizationsValidator);
if (quick)
{
    config = config.AddJob(Job.ShortRun
        .WithToolchain(InProcessEmitToolchain.Instance)
        .WithWarmupCount(1)
        .WithIterationCount(3)
        .WithLaunchCount(1)
        .WithIterationTime(TimeInterval.FromMilliseconds(150))
        .WithId("Short"));
}

// Without a filter BenchmarkSwitcher asks which benchmark to run: run them all instead (never wait for input).
if (!rest.Any(a => a is "--filter" or "-f" or "--list" or "--info"))
{
    rest = [.. rest, "--filter", "*"];
}

var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(rest, config);

// A benchmark that threw has no result: say so in the exit code, so a runner (build/Bench.All, CI) can tell.
return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;

public partial class Program;
