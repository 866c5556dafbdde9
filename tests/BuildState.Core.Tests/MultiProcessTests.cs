using System.Diagnostics;
using BuildState.Core.Tests.Infrastructure;
using BuildState.Errors;
using BuildState.Model;
using BuildState.Store;

namespace BuildState.Core.Tests;

/// <summary>Real processes racing on one store: the only honest test of cross-process locking.</summary>
[Collection("processes")]
public class MultiProcessTests
{
    [Fact]
    public void Sixteen_processes_with_threads_make_16000_updates_to_one_build_and_none_is_lost()
    {
        using var f = new StoreFixture();
        const string id = "shared|Debug|net10.0";
        f.Run(id, "seed");

        var processes = Enumerable.Range(0, 16)
            .Select(_ => Hammer.Start(f.StoreRoot, "counter", id, "1000", "4", "Normal"))
            .ToList();
        foreach (var p in processes)
        {
            Assert.True(p.WaitForExit(TimeSpan.FromMinutes(5)), "a hammer process did not finish: deadlock or starvation");
            Assert.True(p.ExitCode == 0, p.StandardError.ReadToEnd());
        }

        var record = f.Reopen().Get(id);
        Assert.Equal("16000", record.Metadata["count"]);
        Assert.Equal(16_000 + 1, record.Sequence); // the run start + every update, no gaps
        var history = f.Store.GetHistory(id);
        Assert.Equal(Enumerable.Range(1, 16_001).Select(i => (long)i), history.Select(h => h.Sequence));
        var report = new StoreValidator(f.Store).Validate();
        Assert.True(report.IsValid, string.Join("\n", report.Problems));
    }

    [Fact]
    public void Processes_writing_distinct_builds_keep_the_index_complete()
    {
        using var f = new StoreFixture();
        var processes = Enumerable.Range(0, 6)
            .Select(i => Hammer.Start(f.StoreRoot, "lifecycle", $"p{i}", "20", "3", "Normal"))
            .ToList();
        foreach (var p in processes)
        {
            Assert.True(p.WaitForExit(TimeSpan.FromMinutes(5)));
            Assert.True(p.ExitCode == 0, p.StandardError.ReadToEnd());
        }

        // The journal took ~2,000 lines from 6 processes at once (no lock on Linux) and was folded
        // several times meanwhile: the validator below finds any build whose last line was lost.
        Assert.True(new FileInfo(f.Store.Layout.IndexFile).Length > 0, "the journal was folded into index.json");
        var builds = f.Reopen().List();
        Assert.Equal(18, builds.Count);
        Assert.All(builds, b => Assert.Equal(RunStatus.Succeeded, b.Status));
        Assert.All(builds, b => Assert.Equal(20 * 6, b.Sequence)); // 20 runs x (start + 5 transitions)
        var report = new StoreValidator(f.Store).Validate();
        Assert.True(report.IsValid, string.Join("\n", report.Problems));
    }

    [Fact]
    public void A_lock_held_by_a_live_process_times_out_with_the_owner_named()
    {
        using var f = new StoreFixture();
        const string id = "locked|Debug|net10.0";
        f.Run(id, "r");
        using var holder = Hammer.Start(f.StoreRoot, "hold-lock", id);
        try
        {
            Hammer.WaitForLine(holder, "locked", TimeSpan.FromSeconds(60));
            var impatient = f.Reopen(o => o.LockTimeout = TimeSpan.FromMilliseconds(300));
            var e = Assert.Throws<BuildStateException>(() => impatient.Transition(id, "Setup"));
            Assert.Equal(StoreErrorKind.LockTimeout, e.Kind);
            Assert.Equal(ExitCodes.LockTimeout, e.ExitCode);
            Assert.Contains($"process {holder.Id}", e.Message);
            Assert.Contains("alive", e.Message);
        }
        finally
        {
            holder.Kill();
            holder.WaitForExit();
        }
    }

    [Fact]
    public void The_lock_of_a_killed_owner_is_broken_and_reported()
    {
        using var f = new StoreFixture();
        const string id = "orphan|Debug|net10.0";
        f.Run(id, "r");
        using var holder = Hammer.Start(f.StoreRoot, "hold-lock", id);
        Hammer.WaitForLine(holder, "locked", TimeSpan.FromSeconds(60));
        holder.Kill(); // SIGKILL: no chance to release
        holder.WaitForExit();

        var store = f.Reopen(o => o.LockTimeout = TimeSpan.FromSeconds(5));
        string? broken = null;
        store.Locks.StaleLockBroken += (_, owner) => broken = owner;
        var watch = Stopwatch.StartNew();
        store.Transition(id, "Setup");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5));
        Assert.Equal(1, store.Locks.StaleLocksBroken);
        Assert.Contains($"process {holder.Id}", broken);
        Assert.Contains("dead", broken);
    }

    [Fact]
    public void Writers_killed_at_random_moments_leave_a_store_that_recovers_and_validates()
    {
        using var f = new StoreFixture(Durability.Full);
        var random = new Random(20261123);
        for (var round = 0; round < 4; round++)
        {
            var writers = Enumerable.Range(0, 3)
                .Select(i => Hammer.Start(f.StoreRoot, "lifecycle", $"k{i}", "0", "2", "Full"))
                .ToList();
            foreach (var w in writers)
            {
                Hammer.WaitForLine(w, "started", TimeSpan.FromSeconds(60));
            }

            // "started" comes before the first commit; on a loaded machine a writer can take longer
            // than the random delay to commit anything. Kill only once every writer has a build.
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (f.Reopen().List().Count(b => b.Id.StartsWith('k')) < 3 && DateTime.UtcNow < deadline)
            {
                Thread.Sleep(20);
            }

            Thread.Sleep(random.Next(150, 900));
            foreach (var w in writers)
            {
                w.Kill();
                w.WaitForExit();
            }

            var store = f.Reopen();
            var recovery = store.Recover();
            Assert.True(recovery.Unrecoverable.Count == 0, string.Join("\n", recovery.Unrecoverable));
            var report = new StoreValidator(store).Validate();
            Assert.True(report.IsValid, $"round {round}:\n" + string.Join("\n", report.Problems));
            Assert.All(store.List(), b => Assert.NotEqual(RunStatus.Running, b.Status)); // killed runs are Interrupted
            Assert.Contains(store.List(), b => b.Status == RunStatus.Interrupted);
        }
    }
}

[CollectionDefinition("processes", DisableParallelization = true)]
public class ProcessCollection
{
}
