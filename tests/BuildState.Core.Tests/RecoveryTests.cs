using System.Text;
using BuildState.Core.Tests.Infrastructure;
using BuildState.Errors;
using BuildState.Model;
using BuildState.Store;

namespace BuildState.Core.Tests;

public class RecoveryTests
{
    private const string Id = "src/App/App.csproj|Debug|net10.0";
    private const string Other = "src/Lib/Lib.csproj|Debug|net10.0";
    private static readonly string Key = BuildKey.For(Id);

    [Theory]
    [InlineData("sweep")]
    [InlineData("recover")]
    [InlineData("next run")]
    public void A_run_whose_owner_died_ends_at_its_invocations_last_recorded_activity_not_when_it_was_found(string how)
    {
        using var f = new StoreFixture();
        var now = DateTimeOffset.Parse("2026-12-06T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var store = f.Reopen(o => o.Clock = () => now);
        var dead = new OwnerInfo { ProcessId = Environment.ProcessId, Host = Environment.MachineName, ProcessStartedAt = DateTimeOffset.UnixEpoch };
        store.StartRun(Id, new StartRunRequest { RunId = "killed", Owner = dead });
        now = now.AddSeconds(40);
        store.Transition(Id, "Setup"); // the last thing the run recorded before its process was killed
        now = now.AddSeconds(30);
        store.StartRun(Other, new StartRunRequest { RunId = "killed" }); // the invocation's last sign of life, in another build
        now = now.AddDays(2); // found much later

        switch (how)
        {
            case "sweep": store.SweepInterruptedRuns(); break;
            case "recover": store.Recover(); break;
            default: store.StartRun(Id, new StartRunRequest { RunId = "next" }); break;
        }

        var killed = how == "next run" ? store.GetHistory(Id).Last(h => h.Kind == HistoryKinds.RunInterrupted).State! : store.Get(Id);
        Assert.Equal(RunStatus.Interrupted, killed.Run!.Status);
        Assert.Equal(TimeSpan.FromSeconds(70), killed.Run.EndedAt - killed.Run.StartedAt);
        Assert.Contains("is gone (found at 2026-12-08 10:01:10Z; the run ends at its invocation's last recorded activity)", killed.Run.Reason);
    }

    [Fact]
    public void A_repair_that_meets_a_full_disk_stops_with_what_to_do_and_is_made_once_there_is_room()
    {
        using var f = new StoreFixture();
        f.Run(Id, "r", "Setup", "Build");
        File.WriteAllText(f.Store.Layout.StateFile(Key), "{ this is not json");

        var e = Assert.Throws<BuildStateException>(() => f.Reopen(o => o.FileSystem = new FullDiskFileSystem()).Recover(Id));

        Assert.Equal(StoreErrorKind.DiskFull, e.Kind);
        Assert.EndsWith("No space left on device; free some space on that disk", e.Message, StringComparison.Ordinal);
        var report = f.Store.Recover(); // with room again, the same repair is made
        Assert.Empty(report.Unrecoverable);
        Assert.Contains(report.Repaired, r => r.Contains("restored the state from history"));
        Assert.Equal("Build", f.Store.Get(Id).Phase);
    }

    /// <summary>Answers every write as a full disk does (ENOSPC).</summary>
    private sealed class FullDiskFileSystem : DelegatingFileSystem
    {
        private static Exception Full(string path) => BuildStateException.FromIo(new IOException("No space left on device", 28), path, "write the file");

        public override void WriteFile(string path, ReadOnlySpan<byte> data, bool sync) => throw Full(path);

        public override void AppendFile(string path, ReadOnlySpan<byte> data, bool sync) => throw Full(path);

        public override void Rename(string source, string destination) => throw Full(destination);

        public override void MoveDirectory(string source, string destination) => throw Full(destination);
    }

    [Fact]
    public void A_corrupt_state_is_rebuilt_from_history_and_the_damaged_file_kept_aside()
    {
        using var f = new StoreFixture();
        f.Run(Id, "r", "Setup", "Build");
        File.WriteAllText(f.Store.Layout.StateFile(Key), "{ this is not json");

        Assert.Equal("Build", f.Reopen().Get(Id).Phase); // readers see the committed state without writing

        var report = f.Store.Recover();
        Assert.Empty(report.Unrecoverable);
        Assert.Contains(report.Repaired, r => r.Contains("restored the state from history"));
        Assert.Equal("Build", f.Store.Get(Id).Phase);
        Assert.Single(Directory.GetFiles(Path.Combine(f.Store.Layout.DamagedDir, Key), "*current_state.json"));
        Assert.True(new StoreValidator(f.Store).Validate().IsValid);
    }

    [Fact]
    public void Without_history_the_newest_valid_backup_is_used()
    {
        using var f = new StoreFixture(backupInterval: 1);
        f.Run(Id, "r1", StoreFixture.FullRun);
        f.Run(Id, "r2", "Setup", "Build");
        f.Store.EndRun(Id, RunOutcome.Failed);
        File.WriteAllText(f.Store.Layout.StateFile(Key), "garbage");
        File.WriteAllText(f.Store.Layout.HistoryLog(Key), "garbage");
        var backups = f.Store.BackupFiles(Key).ToList();
        File.WriteAllText(backups[0], "{\"schemaVersion\":2"); // the newest backup is damaged too

        var record = f.Reopen().Get(Id);
        Assert.Equal("r1", record.RunId); // from the older, valid backup
        Assert.Equal(RunStatus.Succeeded, record.Status);
    }

    [Fact]
    public void Nothing_readable_is_a_corruption_error_naming_the_file()
    {
        using var f = new StoreFixture();
        f.Run(Id, "r");
        File.WriteAllText(f.Store.Layout.StateFile(Key), "garbage");
        File.Delete(f.Store.Layout.HistoryLog(Key));
        var e = Assert.Throws<BuildStateException>(() => f.Reopen().Get(Id));
        Assert.Equal(StoreErrorKind.Corruption, e.Kind);
        Assert.Equal(ExitCodes.Corruption, e.ExitCode);
        Assert.Equal(f.Store.Layout.StateFile(Key), e.FilePath);
        var lost = Assert.Single(f.Store.Recover().Lost); // moved whole to damaged/, so the store is valid again
        Assert.Contains("damaged", lost);
        Assert.Empty(f.Reopen().List());
    }

    /// <summary>
    /// A record torn as it was written: at the end of the file (an append: an older version, or a
    /// file system without the write-ahead) or in place, into the zeros written ahead past the
    /// last record (docs/store-format.md).
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_torn_history_tail_is_cut_kept_aside_and_never_read_as_data(bool inPlace)
    {
        using var f = new StoreFixture();
        f.Run(Id, "r", "Setup");
        var log = f.Store.Layout.HistoryLog(Key);
        var length = HistoryLog.Scan(File.ReadAllBytes(log), log).ValidEnd;
        using (var stream = new FileStream(log, FileMode.Open))
        {
            stream.Position = inPlace ? length : stream.Length;
            stream.Write(Encoding.ASCII.GetBytes("BSH1 00000100 deadbeef {\"sequence\":99,\"kind\":\"transi"));
        }

        Assert.Equal(2, f.Reopen().GetHistory(Id).Count);
        f.Store.Transition(Id, "Build"); // a write repairs first, then appends
        Assert.Equal(3, f.Store.GetHistory(Id).Count);
        var scan = HistoryLog.Scan(File.ReadAllBytes(log), log);
        Assert.True(scan.IsClean);
        Assert.True(scan.ValidEnd > length);
        Assert.Equal(3, scan.Entries.Count);
        Assert.Single(Directory.GetFiles(Path.Combine(f.Store.Layout.DamagedDir, Key), "*log.bsh.tail"));
    }

    [Fact]
    public void A_flipped_byte_inside_history_is_detected_by_its_checksum()
    {
        using var f = new StoreFixture();
        f.Run(Id, "r", "Setup", "Build");
        var log = f.Store.Layout.HistoryLog(Key);
        var bytes = File.ReadAllBytes(log);
        var at = Array.IndexOf(bytes, (byte)'\n') / 2; // inside the first record's payload
        bytes[at] ^= 0x20;
        File.WriteAllBytes(log, bytes);

        var scan = HistoryLog.Scan(bytes, log);
        Assert.False(scan.IsClean);
        Assert.False(scan.TornTail); // later records are whole: mid-log damage, not a torn tail
        Assert.Equal(2, scan.Entries.Count);
        var report = new StoreValidator(f.Store).Validate();
        Assert.Contains(report.Problems, p => p.File == log && p.Message.Contains("checksum"));
    }

    [Fact]
    public void A_state_behind_its_history_is_rolled_forward()
    {
        using var f = new StoreFixture();
        f.Run(Id, "r", "Setup");
        var statePath = f.Store.Layout.StateFile(Key);
        var older = File.ReadAllBytes(statePath);
        f.Store.Transition(Id, "Build");
        File.WriteAllBytes(statePath, older); // as if the crash came between the history append and the rename

        Assert.Equal("Build", f.Reopen().Get(Id).Phase);
        f.Store.Transition(Id, "Test");
        var record = f.Store.Get(Id);
        Assert.Equal(["Setup", "Build", "Test"], record.Transitions.Select(t => t.To));
        Assert.True(new StoreValidator(f.Store).Validate().IsValid);
    }

    [Fact]
    public void Leftover_temp_files_are_removed_by_recover()
    {
        using var f = new StoreFixture();
        f.Run(Id, "r");
        File.WriteAllText(f.Store.Layout.StateFile(Key) + ".tmp-1-abc", "half");
        Assert.Equal(1, f.Store.Recover().TempFilesRemoved);
    }

    [Fact]
    public void A_missing_or_corrupt_index_is_rebuilt_not_trusted()
    {
        using var f = new StoreFixture();
        f.Run("a", "r");
        f.Run("b", "r", "Setup");
        var layout = f.Store.Layout;
        File.Delete(layout.IndexJournal);
        Assert.Equal(["a", "b"], f.Reopen().List().Select(b => b.Id));
        File.Delete(layout.IndexFile);
        File.Delete(layout.IndexJournal);
        Assert.Equal(["a", "b"], f.Reopen().List().Select(b => b.Id));
        File.WriteAllText(layout.IndexFile, "[1,2,3]");
        Assert.Equal(["a", "b"], f.Reopen().List().Select(b => b.Id));
        Assert.True(new StoreValidator(f.Store).Validate().IsValid);
        File.WriteAllText(layout.IndexJournal, "{\"key\": 42}\n");
        Assert.Equal(["a", "b"], f.Reopen().List().Select(b => b.Id));
        Assert.True(!File.Exists(layout.IndexJournal) || new FileInfo(layout.IndexJournal).Length == 0); // the rebuild dropped the bad journal
        Assert.True(new StoreValidator(f.Store).Validate().IsValid);
    }

    [Fact]
    public void A_stale_index_entry_is_refreshed_and_written_back()
    {
        using var f = new StoreFixture();
        f.Run("a", "r");
        f.Run("b", "r");
        f.Store.RebuildIndex();
        var index = File.ReadAllBytes(f.Store.Layout.IndexFile);
        f.Store.Transition("a", "Setup");
        File.WriteAllBytes(f.Store.Layout.IndexFile, index); // the index write was lost
        File.Delete(f.Store.Layout.IndexJournal);
        Assert.Equal(["Setup", "Init"], f.Reopen().List().Select(b => b.Phase));

        // The refreshed entry was written back, so the next reader finds the index fresh.
        Assert.Contains("Setup", File.ReadAllText(f.Store.Layout.IndexJournal));
        Assert.True(new StoreValidator(f.Store).Validate().IsValid);
    }

    [Fact]
    public void Rebuilding_the_index_after_a_state_rolled_back_does_not_bring_back_journal_lines_of_lost_commits()
    {
        using var f = new StoreFixture();
        f.Run("a", "r");
        f.Store.RebuildIndex();
        var key = BuildKey.For("a");
        var state = File.ReadAllBytes(f.Store.Layout.StateFile(key));
        var log = File.ReadAllBytes(f.Store.Layout.HistoryLog(key));
        f.Store.Transition("a", "Setup");
        f.Store.Transition("a", "Build");
        File.WriteAllBytes(f.Store.Layout.StateFile(key), state); // the two commits were lost (a power loss under None), their journal lines were not
        File.WriteAllBytes(f.Store.Layout.HistoryLog(key), log);

        f.Reopen().RebuildIndex();

        Assert.Equal("Init", Assert.Single(f.Reopen().List()).Phase);
        Assert.True(new StoreValidator(f.Reopen()).Validate().IsValid);
    }

    [Fact]
    public void A_commit_appends_to_the_index_journal_instead_of_rewriting_the_index()
    {
        using var f = new StoreFixture();
        f.Run("a", "r");
        f.Store.RebuildIndex();
        var snapshot = File.ReadAllBytes(f.Store.Layout.IndexFile);
        f.Store.Transition("a", "Setup");
        f.Store.Transition("a", "Build");
        Assert.Equal(snapshot, File.ReadAllBytes(f.Store.Layout.IndexFile));
        Assert.Equal(2, File.ReadAllLines(f.Store.Layout.IndexJournal).Length);
        Assert.Equal("Build", Assert.Single(f.Reopen().List()).Phase);
    }

    [Fact]
    public void The_index_journal_is_folded_into_the_index_once_it_outgrows_it()
    {
        using var f = new StoreFixture(Durability.None);
        for (var i = 0; i < 80; i++)
        {
            f.Run($"b{i:D2}", "r", "Setup", "Build", "Cleanup", "Complete");
        }

        // 80 builds x 6 commits of ~250-byte lines would be ~120 KiB of journal without folding.
        var journal = new FileInfo(f.Store.Layout.IndexJournal);
        Assert.True(!journal.Exists || journal.Length <= BuildStore.IndexJournalFoldBytes + 1024, $"journal of {journal.Length} bytes");
        Assert.True(File.Exists(f.Store.Layout.IndexFile));
        var listed = f.Reopen().List();
        Assert.Equal(80, listed.Count);
        Assert.All(listed, b => Assert.Equal("Complete", b.Phase));
        Assert.True(new StoreValidator(f.Store).Validate().IsValid);
    }

    [Fact]
    public void A_journal_line_cut_off_by_a_crash_is_ignored_and_a_later_append_gets_the_index_rebuilt()
    {
        using var f = new StoreFixture();
        f.Run("a", "r");
        f.Store.RebuildIndex();
        f.Store.Transition("a", "Setup");
        var journal = f.Store.Layout.IndexJournal;
        var whole = File.ReadAllBytes(journal);
        File.WriteAllBytes(journal, whole[..(whole.Length / 2)]); // the crash cut the append in half
        Assert.Equal("Setup", Assert.Single(f.Reopen().List()).Phase); // found stale by its file stamp

        // The next commit's line lands behind the torn one: that line is malformed, so the index is rebuilt.
        File.WriteAllBytes(journal, whole[..(whole.Length / 2)]);
        f.Store.Transition("a", "Build");
        Assert.Equal("Build", Assert.Single(f.Reopen().List()).Phase);
        Assert.True(new StoreValidator(f.Store).Validate().IsValid);
    }

    [Fact]
    public void Validation_reports_a_stale_index_and_illegal_stored_transitions()
    {
        using var f = new StoreFixture();
        f.Run("a", "r", "Setup");
        f.Store.EndRun("a", RunOutcome.Failed); // a run end writes the snapshot
        var statePath = f.Store.Layout.StateFile(BuildKey.For("a"));
        StateFileEdits.EditSealed(statePath, text => text.Replace("\"to\": \"Setup\"", "\"to\": \"Complete\""));
        var report = new StoreValidator(f.Store).Validate();
        Assert.Contains(report.Problems, p => p.Message.Contains("Init -> Complete is not allowed"));
        Assert.Contains(report.Problems, p => p.File == statePath);
        Assert.Contains(report.Problems, p => p.Message.Contains("differs from history record"));
    }

    [Fact]
    public void Validation_checks_artifacts_and_dependencies_when_asked()
    {
        using var f = new StoreFixture();
        f.Run("app", "r", "Setup", "Build");
        var dll = f.WriteFile("bin/app.dll", "x");
        f.Store.RecordArtifacts("app", [new ArtifactInput(dll)]);
        f.Store.Update("app", r => r.Dependencies.Add("missing-lib"));
        File.WriteAllText(dll, "changed");
        var report = new StoreValidator(f.Store).Validate(new ValidationOptions { CheckArtifacts = true });
        Assert.Contains(report.Problems, p => p.File == dll && p.Message.Contains("changed"));
        Assert.Contains(report.Problems, p => p.Message.Contains("dependency 'missing-lib' is not in the store"));
        Assert.DoesNotContain(new StoreValidator(f.Store).Validate().Problems, p => p.File == dll);
    }
}
