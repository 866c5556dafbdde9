using BuildState.Core.Tests.Infrastructure;
using BuildState.Store;

namespace BuildState.Core.Tests;

/// <summary>
/// What the benchmarks rely on (build/Bench.Micro, build/Bench.Concurrency): the lock-wait hook, and
/// checkpoints that do not re-hash artifacts whose size and time are unchanged.
/// </summary>
public class BenchmarkSupportTests
{
    private const string Id = "src/App/App.csproj|Release|net10.0";

    [Fact]
    public void Every_lock_taken_is_reported_with_its_wait_and_a_throwing_observer_leaves_no_lock_behind()
    {
        using var f = new StoreFixture();
        var taken = new List<(string Path, TimeSpan Waited)>();
        f.Store.Locks.Acquired += (path, waited) => taken.Add((path, waited));
        f.Store.StartRun(Id, new StartRunRequest { RunId = "r" });

        // One commit: the build lock, then the index lock (always last) where the index journal
        // cannot take appends from many processes at once without it (not on Linux).
        string[] expected = f.Options.FileSystem.AppendsAreConcurrent
            ? [f.Store.Layout.BuildLock(BuildKey.For(Id))]
            : [f.Store.Layout.BuildLock(BuildKey.For(Id)), f.Store.Layout.IndexLock];
        Assert.Equal(expected, taken.Select(t => t.Path));
        Assert.All(taken, t => Assert.True(t.Waited >= TimeSpan.Zero));

        var other = f.Reopen();
        other.Locks.Acquired += (_, _) => throw new InvalidOperationException("observer failed");
        Assert.Throws<InvalidOperationException>(() => other.Transition(Id, "Setup"));

        // The lock was released: a store without the throwing observer goes on at once.
        var next = f.Reopen(o => o.LockTimeout = TimeSpan.FromSeconds(2));
        Assert.Equal("Setup", next.Transition(Id, "Setup").Phase);
    }

    [Fact]
    public void A_checkpoint_does_not_hash_unchanged_artifacts_again_but_does_hash_touched_ones()
    {
        using var f = new StoreFixture();
        f.Run(Id, "r", "Setup", "Build");
        var files = Enumerable.Range(0, 20).Select(i => f.WriteFile($"src/App/bin/F{i}.dll", $"v1-{i:D3}")).ToList();
        f.Store.RecordArtifacts(Id, files.Select(p => new ArtifactInput(p)));

        // Nothing changed: no file is read again.
        var hashed = ArtifactHasher.FilesHashedOnThisThread;
        f.Store.CreateCheckpoint(Id, "unchanged");
        Assert.Equal(hashed, ArtifactHasher.FilesHashedOnThisThread);

        // One file rewritten (same size, a new time): that one is hashed again.
        File.WriteAllText(files[0], "v2-000");
        File.SetLastWriteTimeUtc(files[0], File.GetLastWriteTimeUtc(files[1]).AddMinutes(1));
        var touched = f.Store.CreateCheckpoint(Id, "touched");
        Assert.Equal(hashed + 1, ArtifactHasher.FilesHashedOnThisThread);
        var manifest = f.Store.GetCheckpoints(Id).Single(c => c.Id == touched.Id).Artifacts;
        Assert.Equal(ArtifactHasher.HashBytes("v2-000"u8), manifest.Single(a => a.Path == "src/App/bin/F0.dll").Sha256);
    }
}
