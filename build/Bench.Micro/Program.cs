using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;

// dotnet run --project build/Bench.Micro -c Release [-- --short] [BenchmarkDotNet arguments, e.g. --filter *Store*]
// --short runs every benchmark briefly (CI uses it so the benchmarks never rot; CI never fails on a timing).
var quick = args.Contains("--short");
var rest = args.Where(a => a != "--short").ToArray();
var config = DefaultConfig.Instance.WithOptions(ConfigOptions.DisableOptimizationsValidator);
if (quick)
{
    config = config.AddJob(Job.ShortRun.WithWarmupCount(1).WithIterationCount(3).WithLaunchCount(1));
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(rest.Length == 0 ? ["--filter", "*"] : rest, config);

public partial class Program;
