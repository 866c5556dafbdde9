using BuildState.Core.Tests.Infrastructure;
using BuildState.Model;
using BuildState.Serialization;
using BuildState.Store;

namespace BuildState.Core.Tests;

/// <summary>
/// current_state.json is a snapshot of the history log, rewritten at durable points, for a new
/// build and every <see cref="BuildStore.SnapshotEvery"/> commits: between them every reader gets
/// the newest state by rolling the snapshot forward from the records after it.
/// </summary>
public sealed class SnapshotTests
{
    private const string Id = "src/App/App.csproj|Debug|net10.0";

    private static long SnapshotSequence(StoreFixture f)
    {
        var path = f.Store.Layout.StateFile(BuildKey.For(Id));
        return StoreJson.DeserializeState(File.ReadAllBytes(path), path).Sequence;
    }

    [Fact]
    public void Between_durable_points_the_snapshot_lags_and_every_reader_still_gets_the_newest_state()
    {
        using var f = new StoreFixture();
        f.Run(Id, "r", "Setup", "Build", "Test");

        var newest = f.Store.Get(Id);
        Assert.Equal("Test", newest.Phase);
        Assert.True(SnapshotSequence(f) < newest.Sequence, "mid-run transitions do not rewrite the snapshot");

        var other = f.Reopen(); // another process: no memory of this one's commits
        var seen = other.Get(Id);
        Assert.Equal(newest.Sequence, seen.Sequence);
        Assert.Equal(["Setup", "Build", "Test"], seen.Transitions.Select(t => t.To));
        Assert.Equal("Test", Assert.Single(other.List()).Phase);
        Assert.True(new StoreValidator(other).Validate().IsValid, string.Join("\n", new StoreValidator(other).Validate().Problems));

        f.Store.Transition(Id, "Cleanup");
        f.Store.EndRun(Id, RunOutcome.Succeeded);
        Assert.Equal(f.Store.Get(Id).Sequence, SnapshotSequence(f)); // a run end brings it up to date
    }

    [Fact]
    public void The_snapshot_is_never_more_than_SnapshotEvery_commits_behind()
    {
        using var f = new StoreFixture();
        f.Store.StartRun(Id, new StartRunRequest { RunId = "r" });
        for (var i = 0; i < 3 * BuildStore.SnapshotEvery; i++)
        {
            f.Store.Update(Id, r => r.Metadata["step"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var lag = f.Store.Get(Id).Sequence - SnapshotSequence(f);
            Assert.InRange(lag, 0, BuildStore.SnapshotEvery - 1);
        }
    }

    [Fact]
    public void Rolling_forward_reads_only_the_records_after_the_snapshot()
    {
        using var f = new StoreFixture();
        f.Run(Id, "r", StoreFixture.FullRun);
        f.Store.EndRun(Id, RunOutcome.Succeeded);
        f.Run(Id, "r2", "Setup", "Build");

        var fs = new ReadRecordingFileSystem();
        var reader = f.Reopen(o => o.FileSystem = fs);
        Assert.Equal("Build", reader.Get(Id).Phase);

        var log = f.Store.Layout.HistoryLog(BuildKey.For(Id));
        Assert.DoesNotContain(log, fs.WholeReads);
        var (path, offset) = Assert.Single(fs.RangedReads);
        Assert.Equal(log, path);
        Assert.True(offset > 0);
    }

    [Fact]
    public void A_record_being_appended_after_the_snapshot_is_skipped_by_readers_and_cut_by_the_next_writer()
    {
        using var f = new StoreFixture();
        f.Run(Id, "r", "Setup", "Build");
        var log = f.Store.Layout.HistoryLog(BuildKey.For(Id));
        using (var stream = new FileStream(log, FileMode.Append))
        {
            stream.Write("BSH1 0000ffff 00000000 {\"kind\":"u8); // a record cut off mid-append
        }

        Assert.Equal("Build", f.Reopen().Get(Id).Phase);
        f.Reopen().Transition(Id, "Test");
        var history = f.Store.GetHistory(Id);
        Assert.Equal("Test", f.Store.Get(Id).Phase);
        Assert.Equal(history.Select(h => h.Sequence).Order(), history.Select(h => h.Sequence));
        Assert.True(new StoreValidator(f.Store).Validate().IsValid);
    }

    [Fact]
    public void An_edited_snapshot_is_reported_by_validate_and_rewritten_from_history_by_recover()
    {
        using var f = new StoreFixture();
        f.Run(Id, "r", "Setup");
        f.Store.EndRun(Id, RunOutcome.Failed);
        var path = f.Store.Layout.StateFile(BuildKey.For(Id));
        StateFileEdits.EditSealed(path, text => text.Replace("\"Failed\"", "\"Succeeded\"", StringComparison.Ordinal));

        Assert.Contains(new StoreValidator(f.Store).Validate().Problems, p => p.File == path && p.Message.Contains("differs from history record"));
        var report = f.Store.Recover();
        Assert.Contains(report.Repaired, r => r.Contains("differed from history record"));
        Assert.Equal(RunStatus.Failed, f.Store.Get(Id).Status);
        Assert.True(new StoreValidator(f.Store).Validate().IsValid);
    }

    [Fact]
    public void Run_ends_take_a_backup_once_the_newest_is_BackupInterval_commits_old()
    {
        using var f = new StoreFixture(backupInterval: 12);
        var backups = new List<int>();
        for (var run = 0; run < 6; run++)
        {
            f.Run(Id, $"r{run}", StoreFixture.FullRun); // 6 commits, the last one a run end
            backups.Add(f.Store.BackupFiles(BuildKey.For(Id)).Count());
        }

        // The first run end has none to compare with; then every second run (12 commits).
        Assert.Equal([1, 1, 2, 2, 3, 3], backups);
        var sequences = f.Store.BackupFiles(BuildKey.For(Id)).Select(p => long.Parse(Path.GetFileNameWithoutExtension(p), System.Globalization.CultureInfo.InvariantCulture)).Order().ToList();
        Assert.Equal([6, 18, 30], sequences);
    }

    [Fact]
    public void Once_MaxBackups_are_kept_the_oldest_becomes_the_newest_without_a_file_created()
    {
        using var f = new StoreFixture(backupInterval: 6);
        var key = BuildKey.For(Id);
        for (var run = 0; run < 5; run++)
        {
            f.Run(Id, $"r{run}", StoreFixture.FullRun); // a backup at every run end: five, the most kept
        }

        var files = f.Store.BackupFiles(key).ToList();
        Assert.Equal(5, files.Count);
        var oldest = files[^1];
        var inode = OperatingSystem.IsLinux() ? InodeOf(oldest) : 0;

        f.Run(Id, "r5", StoreFixture.FullRun);

        var after = f.Store.BackupFiles(key).ToList();
        Assert.Equal(5, after.Count);
        Assert.False(File.Exists(oldest));
        Assert.Equal(36, f.Store.ReadStateFile(after[0]).Sequence);
        Assert.Equal("000000000036.json", Path.GetFileName(after[0]));
        if (OperatingSystem.IsLinux())
        {
            Assert.Equal(inode, InodeOf(after[0])); // the same file, rewritten and renamed
        }
    }

    private static long InodeOf(string path)
    {
        var output = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("stat", ["-c", "%i", path]) { RedirectStandardOutput = true })!;
        var text = output.StandardOutput.ReadToEnd();
        output.WaitForExit();
        return long.Parse(text.Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public void A_store_object_that_remembers_its_last_commit_still_sees_and_continues_a_commit_made_by_another()
    {
        using var f = new StoreFixture();
        f.Run(Id, "r", "Setup");
        var other = f.Reopen();
        other.Transition(Id, "Build"); // the log changes under the first object's memory

        Assert.Equal("Build", f.Store.Get(Id).Phase);
        f.Store.Transition(Id, "Test");
        var history = other.GetHistory(Id);
        Assert.Equal(Enumerable.Range(1, history.Count).Select(i => (long)i), history.Select(h => h.Sequence));
        Assert.Equal(["Setup", "Build", "Test"], other.Get(Id).Transitions.Select(t => t.To));
    }

    [Fact]
    public void Editing_a_returned_record_changes_nothing_the_store_remembers()
    {
        using var f = new StoreFixture();
        f.Run(Id, "r", "Setup");
        var returned = f.Store.Transition(Id, "Build");
        returned.Phase = "Edited";
        returned.Transitions.Clear();
        var read = f.Store.Get(Id);
        read.Metadata["x"] = "y";

        var again = f.Store.Get(Id);
        Assert.Equal("Build", again.Phase);
        Assert.Equal(2, again.Transitions.Count);
        Assert.Empty(again.Metadata);
    }

    private sealed class ReadRecordingFileSystem : DelegatingFileSystem
    {
        public List<string> WholeReads { get; } = [];

        public List<(string Path, long Offset)> RangedReads { get; } = [];

        public override byte[] ReadAllBytes(string path, long maxBytes)
        {
            WholeReads.Add(path);
            return base.ReadAllBytes(path, maxBytes);
        }

        public override byte[] ReadFrom(string path, long offset, long maxBytes)
        {
            RangedReads.Add((path, offset));
            return base.ReadFrom(path, offset, maxBytes);
        }
    }
}
