using BuildState.Serialization;
using BuildState.Core.Tests.Infrastructure;
using BuildState.Errors;
using BuildState.IO;
using BuildState.Store;

namespace BuildState.Core.Tests;

/// <summary>Which writes are fsynced under each durability mode (docs/store-format.md, "Durability").</summary>
public class DurabilityTests
{
    private const string Id = "app|Debug|net10.0";

    [Theory]
    [InlineData(Durability.Full, true, true)]
    [InlineData(Durability.Normal, false, true)]
    [InlineData(Durability.None, false, false)]
    public void Fsync_happens_where_the_mode_promises(Durability mode, bool transitionSynced, bool runEndSynced)
    {
        using var f = new StoreFixture(mode);
        var fs = new CountingFileSystem();
        var store = f.Reopen(o => { o.Durability = mode; o.FileSystem = fs; });
        store.StartRun(Id, new StartRunRequest { RunId = "first" });
        store.EndRun(Id, RunOutcome.Failed); // creates the build's folders (a new folder's parent is fsynced once)
        store.StartRun(Id, new StartRunRequest { RunId = "r" });

        // A transition in the middle of a run: under Full the history record (the commit point) is
        // fsynced, and nothing else (the state file is a snapshot of the log, never fsynced).
        fs.Reset();
        store.Transition(Id, "Setup");
        Assert.Equal(transitionSynced ? [f.Store.Layout.HistoryLog(BuildKey.For(Id))] : [], fs.SyncedFiles);
        Assert.Equal(0, fs.DirectorySyncs);

        store.Transition(Id, "Build");
        fs.Reset();
        store.EndRun(Id, RunOutcome.Failed);
        // The run end is durable by its history record alone: the snapshot and the backup written
        // with it are copies of that record, so neither they nor their folders are fsynced.
        Assert.Equal(runEndSynced ? [f.Store.Layout.HistoryLog(BuildKey.For(Id))] : [], fs.SyncedFiles);
        Assert.Equal(0, fs.DirectorySyncs);
        var statePath = f.Store.Layout.StateFile(BuildKey.For(Id));
        Assert.Equal(f.Store.Get(Id).Sequence, StoreJson.DeserializeState(File.ReadAllBytes(statePath), statePath).Sequence); // the run end wrote the snapshot

        fs.Reset();
        store.CreateCheckpoint(Id, "cp");
        Assert.Equal(mode != Durability.None, fs.FileSyncs > 0);
    }

    [Fact]
    public void Group_commit_defers_the_fsyncs_of_durable_points_to_Flush()
    {
        using var f = new StoreFixture(Durability.Normal);
        var fs = new CountingFileSystem();
        var store = f.Reopen(o => { o.FileSystem = fs; o.GroupCommit = true; });
        store.StartRun(Id, new StartRunRequest { RunId = "r" });
        store.Transition(Id, "Setup");
        store.CreateCheckpoint(Id, "cp");
        store.EndRun(Id, RunOutcome.Failed);
        store.StartRun("other", new StartRunRequest { RunId = "r" });
        store.EndRun("other", RunOutcome.Succeeded);
        Assert.Equal(0, fs.FileSyncs);
        Assert.Equal(0, fs.DirectorySyncs);

        store.Flush();
        var key = BuildKey.For(Id);
        Assert.Contains(f.Store.Layout.HistoryLog(key), fs.SyncedFiles);
        Assert.DoesNotContain(f.Store.Layout.StateFile(key), fs.SyncedFiles);
        Assert.Contains(f.Store.Layout.HistoryLog(BuildKey.For("other")), fs.SyncedFiles);
        Assert.Contains(fs.SyncedFiles, p => p.StartsWith(f.Store.Layout.CheckpointsDir(key), StringComparison.Ordinal));
        Assert.Equal(fs.SyncedFiles.Count, fs.SyncedFiles.Distinct().Count()); // each owed file once
        Assert.True(fs.DirectorySyncs > 0);

        fs.Reset();
        store.Flush(); // nothing owed any more
        Assert.Equal(0, fs.FileSyncs + fs.DirectorySyncs);
    }

    [Fact]
    public void Full_ignores_group_commit()
    {
        using var f = new StoreFixture(Durability.Full);
        f.Run(Id, "r");
        var fs = new CountingFileSystem();
        var store = f.Reopen(o => { o.FileSystem = fs; o.GroupCommit = true; });
        store.Transition(Id, "Setup");
        Assert.Equal([f.Store.Layout.HistoryLog(BuildKey.For(Id))], fs.SyncedFiles);
    }

    [Fact]
    public void A_failed_fsync_is_an_error_and_is_never_retried()
    {
        using var f = new StoreFixture(Durability.Full);
        f.Run(Id, "r");
        var fs = new CountingFileSystem { FailDirectorySync = true };
        var store = f.Reopen(o => o.FileSystem = fs);
        store.Transition(Id, "Setup");
        var e = Assert.Throws<BuildStateException>(() => store.EndRun(Id, RunOutcome.Failed));
        Assert.Contains("fsync", e.Message);
        Assert.Equal(1, fs.DirectorySyncs);
    }

    private sealed class CountingFileSystem : DelegatingFileSystem
    {
        public int FileSyncs => SyncedFiles.Count;

        public List<string> SyncedFiles { get; } = [];

        public int DirectorySyncs { get; private set; }

        public bool FailDirectorySync { get; init; }

        public void Reset()
        {
            SyncedFiles.Clear();
            DirectorySyncs = 0;
        }

        public override void WriteFile(string path, ReadOnlySpan<byte> data, bool sync)
        {
            Count(path, sync);
            base.WriteFile(path, data, sync);
        }

        public override void AppendFile(string path, ReadOnlySpan<byte> data, bool sync)
        {
            Count(path, sync);
            base.AppendFile(path, data, sync);
        }

        public override void SyncFile(string path)
        {
            Count(path, true);
            base.SyncFile(path);
        }

        private void Count(string path, bool sync)
        {
            if (sync)
            {
                lock (SyncedFiles)
                {
                    SyncedFiles.Add(path); // Flush syncs in parallel
                }
            }
        }

        public override void SyncDirectory(string path)
        {
            lock (SyncedFiles)
            {
                DirectorySyncs++;
            }

            if (FailDirectorySync)
            {
                throw new BuildStateException(StoreErrorKind.General, "cannot fsync the directory: Input/output error (errno 5)", path);
            }

            base.SyncDirectory(path);
        }
    }
}
