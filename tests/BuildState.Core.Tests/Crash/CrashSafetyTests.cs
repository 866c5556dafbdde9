using System.Diagnostics;
using System.Text.RegularExpressions;
using BuildState.Core.Tests.Infrastructure;
using BuildState.Store;
using Xunit.Abstractions;

namespace BuildState.Core.Tests.Crash;

/// <summary>
/// Crash safety, way (1) of issue 2: a crash at EVERY operation boundary of a workload (a few
/// builds doing runs, transitions, artifacts, errors, checkpoints and run ends), each followed by a
/// "process kill" (the page cache survives) and several seeded power losses (pending writes dropped,
/// torn, torn by sector or replaced by garbage; unsynced directory operations lost), then a reboot
/// and the checks of <see cref="CrashSimulator"/>. Set BUILDSTATE_CRASH_SEED to explore other fault
/// choices; every failure prints the line that reproduces it.
/// </summary>
public class CrashSafetyTests(ITestOutputHelper output)
{
    private static readonly int BaseSeed = int.TryParse(Environment.GetEnvironmentVariable("BUILDSTATE_CRASH_SEED"), out var s) ? s : 20250101;

    /// <summary>
    /// On a journaling file system (any fsync commits every directory operation made so far, as on
    /// ext4 and XFS), with no checkpoint rotation in the workload (see the skipped tests for both).
    /// </summary>
    [Theory]
    [InlineData(Durability.Full, 2)]
    [InlineData(Durability.Normal, 2)]
    [InlineData(Durability.None, 2)]
    public void Every_crash_point_recovers_to_a_valid_store_that_keeps_what_was_promised(Durability durability, int powerLossVariants)
    {
        var failures = Sweep(durability, journaledDisk: true, maxCheckpoints: 10, tolerateUnsyncedDamage: true, powerLossVariants);
        Assert.True(failures.Count == 0, Summary(failures));
    }

    [Fact]
    public void Full_on_a_strict_posix_file_system_keeps_the_history_of_every_acknowledged_change()
    {
        var failures = Sweep(Durability.Full, journaledDisk: false, maxCheckpoints: 10, tolerateUnsyncedDamage: true, powerLossVariants: 2);
        Assert.True(failures.Count == 0, Summary(failures));
    }

    [Fact]
    public void Normal_on_a_strict_posix_file_system_keeps_every_run_end_and_checkpoint()
    {
        var failures = Sweep(Durability.Normal, journaledDisk: false, maxCheckpoints: 10, tolerateUnsyncedDamage: true, powerLossVariants: 2);
        Assert.True(failures.Count == 0, Summary(failures));
    }

    [Fact]
    public void A_crash_while_a_checkpoint_rotates_an_old_one_out_leaves_a_valid_store()
    {
        var failures = Sweep(Durability.Full, journaledDisk: true, maxCheckpoints: 2, tolerateUnsyncedDamage: true, powerLossVariants: 1);
        Assert.True(failures.Count == 0, Summary(failures));
    }

    [Theory]
    [InlineData(Durability.Normal)]
    [InlineData(Durability.None)]
    public void After_a_power_loss_under_weak_durability_recover_still_leaves_a_valid_store(Durability durability)
    {
        var failures = Sweep(durability, journaledDisk: true, maxCheckpoints: 10, tolerateUnsyncedDamage: false, powerLossVariants: 2);
        Assert.True(failures.Count == 0, Summary(failures));
    }

    private List<string> Sweep(Durability durability, bool journaledDisk, int maxCheckpoints, bool tolerateUnsyncedDamage, int powerLossVariants)
    {
        using var dir = new TempDir();
        var simulator = new CrashSimulator(new CrashWorkload(dir.Path, journaledDisk, maxCheckpoints)) { TolerateUnsyncedDamage = tolerateUnsyncedDamage };
        var (_, boundaries) = simulator.Reference(durability);
        var failures = new List<string>();
        var runs = 0;
        var watch = Stopwatch.StartNew();
        for (var boundary = 0; boundary <= boundaries; boundary++)
        {
            var cases = new List<(CrashKind Kind, int Seed)> { (CrashKind.ProcessKill, 0) };
            for (var variant = 0; variant < powerLossVariants; variant++)
            {
                var kind = variant % 2 == 0 ? CrashKind.PowerLossOrdered : CrashKind.PowerLossUnordered;
                cases.Add((kind, unchecked((BaseSeed * 1_000_003) + (boundary * 101) + variant + ((int)durability * 7_919))));
            }

            foreach (var (kind, seed) in cases)
            {
                runs++;
                var failure = simulator.RunOne(durability, boundary, kind, seed);
                if (failure is not null)
                {
                    failures.Add(failure);
                }
            }
        }

        output.WriteLine($"{durability} (journaled disk: {journaledDisk}, max checkpoints: {maxCheckpoints}): {boundaries} boundaries, {runs} crash simulations, {failures.Count} failed, {simulator.SetAside} builds set aside as known unsynced damage, {watch.Elapsed.TotalSeconds:0.0} s (base seed {BaseSeed})");
        foreach (var group in failures.GroupBy(Category).OrderByDescending(g => g.Count()))
        {
            output.WriteLine($"{group.Count()} x {group.Key}");
            output.WriteLine(group.First());
        }

        return failures;
    }

    private static string Summary(List<string> failures) =>
        $"{failures.Count} crash simulations failed (base seed {BaseSeed}); first:\n{string.Join("\n", failures.Take(5))}";

    /// <summary>The failure's message with numbers, keys and paths blurred, to group alike failures.</summary>
    private static string Category(string failure)
    {
        var line = failure.Split('\n')[2].Trim();
        line = Regex.Replace(line, "/[^ :]*/", "/");
        return Regex.Replace(line, "[0-9a-f]{32}|[0-9]+", "N");
    }
}
