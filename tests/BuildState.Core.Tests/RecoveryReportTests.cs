using BuildState.Core.Tests.Infrastructure;
using BuildState.Errors;
using BuildState.Store;

namespace BuildState.Core.Tests;

/// <summary>
/// What recover reports: one line per repair, in words, saying what was repaired and from what; one
/// line per thing lost, and a loss is never reported as a repair (the counts and the exit code agree).
/// </summary>
public class RecoveryReportTests
{
    private const string Id = "src/Contoso.Api/Contoso.Api.csproj|Debug|net10.0";
    private static readonly string Key = BuildKey.For(Id);

    private static StoreFixture OneFullRun()
    {
        var f = new StoreFixture();
        f.Run(Id, "r1", StoreFixture.FullRun);
        return f;
    }

    [Fact]
    public void A_truncated_state_is_one_repair_saying_from_which_history_record()
    {
        using var f = OneFullRun();
        var state = f.Store.Layout.StateFile(Key);
        using (var stream = new FileStream(state, FileMode.Open))
        {
            stream.SetLength(100);
        }

        var report = f.Reopen().Recover();

        var repaired = Assert.Single(report.Repaired);
        Assert.Contains("restored the state from history record 6", repaired);
        Assert.Contains(state, repaired);
        Assert.Contains("could not be read", repaired);
        Assert.Contains("kept in", repaired);
        Assert.DoesNotContain("exit code", repaired);
        Assert.Empty(report.Lost);
        Assert.Equal(ExitCodes.Success, report.ExitCode);
    }

    [Fact]
    public void A_log_cut_short_is_reported_once_as_lost_records_and_exits_3()
    {
        using var f = OneFullRun();
        var log = f.Store.Layout.HistoryLog(Key);
        var scan = HistoryLog.Scan(File.ReadAllBytes(log), log);
        using (var stream = new FileStream(log, FileMode.Open))
        {
            stream.SetLength(scan.Entries[1].End + 50); // in the middle of record 3
        }

        var report = f.Reopen().Recover();

        var lost = Assert.Single(report.Lost);
        Assert.Contains("history records 3 to 6 are gone", lost);
        Assert.Contains("the state itself is intact at sequence 6", lost);
        Assert.DoesNotContain(report.Repaired, r => r.Contains("lost", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(report.Repaired, r => r.Contains("cut the torn tail"));
        Assert.Equal(ExitCodes.Corruption, report.ExitCode);
        Assert.Equal("Complete", f.Reopen().Get(Id).Phase);
        Assert.True(new StoreValidator(f.Reopen()).Validate().IsValid);
    }

    [Fact]
    public void A_damaged_record_in_the_middle_is_lost_with_its_sequence_and_the_rest_kept()
    {
        using var f = OneFullRun();
        var log = f.Store.Layout.HistoryLog(Key);
        using (var stream = new FileStream(log, FileMode.Open))
        {
            stream.Position = 100;
            stream.Write("XXXXXXXXXX"u8);
        }

        var report = f.Reopen().Recover();

        var lost = Assert.Single(report.Lost);
        Assert.Contains("at offset 0", lost);
        Assert.Contains("sequence 1", lost);
        Assert.Contains("checksum mismatch", lost);
        Assert.Contains(report.Repaired, r => r.Contains("rewrote") && r.Contains("kept in"));
        Assert.DoesNotContain(report.Repaired, r => r.Contains("differed")); // the snapshot is a true copy; only offsets moved
        Assert.Equal(ExitCodes.Corruption, report.ExitCode);
        var sequences = f.Reopen().GetHistory(Id).Select(e => e.Sequence).ToList();
        Assert.Equal([2, 3, 4, 5, 6, 7], sequences); // 7: the record of the repair
    }

    [Fact]
    public void A_torn_append_that_was_never_committed_is_cut_without_a_loss()
    {
        using var f = OneFullRun();
        var log = f.Store.Layout.HistoryLog(Key);
        var end = HistoryLog.Scan(File.ReadAllBytes(log), log).ValidEnd;
        using (var stream = new FileStream(log, FileMode.Open))
        {
            stream.Position = end;
            stream.Write("BSH1 00000400 00000000 {\"schemaVer"u8); // a crash in the middle of the next append
        }

        var report = f.Reopen().Recover();

        Assert.Empty(report.Lost);
        Assert.Contains(report.Repaired, r => r.Contains("cut the torn tail"));
        Assert.Equal(ExitCodes.Success, report.ExitCode);
    }
}
