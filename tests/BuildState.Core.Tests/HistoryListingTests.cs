using BuildState.Core.Tests.Infrastructure;
using BuildState.Errors;
using BuildState.Store;

namespace BuildState.Core.Tests;

/// <summary>A history listing says what it could not read (where, which sequences, why) instead of skipping it.</summary>
public class HistoryListingTests
{
    private const string Id = "src/Contoso.Api/Contoso.Api.csproj|Debug|net10.0";
    private static readonly string Key = BuildKey.For(Id);

    private static StoreFixture OneFullRun()
    {
        var f = new StoreFixture();
        f.Run(Id, "r1", StoreFixture.FullRun); // sequences 1 to 6
        return f;
    }

    [Fact]
    public void A_whole_log_has_no_gaps()
    {
        using var f = OneFullRun();
        var listing = f.Store.ReadHistory(Id);
        Assert.Equal(6, listing.Entries.Count);
        Assert.Empty(listing.Gaps);
        Assert.False(listing.HasDamage);
    }

    [Fact]
    public void A_damaged_first_record_is_a_gap_at_offset_0_holding_sequence_1()
    {
        using var f = OneFullRun();
        var log = f.Store.Layout.HistoryLog(Key);
        using (var stream = new FileStream(log, FileMode.Open))
        {
            stream.Position = 100;
            stream.Write("XXXXXXXXXX"u8);
        }

        var listing = f.Reopen().ReadHistory(Id);

        Assert.Equal([2L, 3, 4, 5, 6], listing.Entries.Select(e => e.Sequence));
        var gap = Assert.Single(listing.Gaps);
        Assert.Equal(0, gap.Offset);
        Assert.Equal("sequence 1", gap.Sequences);
        Assert.Contains("checksum mismatch", gap.Problem);
        Assert.True(listing.HasDamage);
        Assert.Equal(log, listing.LogPath);
    }

    [Fact]
    public void Records_the_state_counts_beyond_a_log_cut_short_are_one_gap()
    {
        using var f = OneFullRun();
        var log = f.Store.Layout.HistoryLog(Key);
        var scan = HistoryLog.Scan(File.ReadAllBytes(log), log);
        using (var stream = new FileStream(log, FileMode.Open))
        {
            stream.SetLength(scan.Entries[1].End + 30);
        }

        var listing = f.Reopen().ReadHistory(Id);

        Assert.Equal(2, listing.Entries.Count);
        var gap = Assert.Single(listing.Gaps);
        Assert.Equal("sequences 3 to 6", gap.Sequences);
        Assert.Equal(scan.Entries[1].End, gap.Offset);
        Assert.False(gap.InProgress);
    }

    [Fact]
    public void An_unfinished_last_append_is_a_gap_in_progress_not_damage()
    {
        using var f = OneFullRun();
        var log = f.Store.Layout.HistoryLog(Key);
        var end = HistoryLog.Scan(File.ReadAllBytes(log), log).ValidEnd;
        using (var stream = new FileStream(log, FileMode.Open))
        {
            stream.Position = end;
            stream.Write("BSH1 00000400 00000000 {\"schemaVer"u8);
        }

        var listing = f.Reopen().ReadHistory(Id);

        Assert.Equal(6, listing.Entries.Count);
        Assert.True(Assert.Single(listing.Gaps).InProgress);
        Assert.False(listing.HasDamage);
    }

    [Fact]
    public void A_log_holding_a_record_of_a_newer_schema_is_refused_not_listed_without_it()
    {
        using var f = OneFullRun();
        var log = f.Store.Layout.HistoryLog(Key);
        var end = HistoryLog.Scan(File.ReadAllBytes(log), log).ValidEnd;
        using (var stream = new FileStream(log, FileMode.Open))
        {
            stream.SetLength(end);
            stream.Position = end;
            stream.Write(HistoryLog.Frame(new HistoryEntry { SchemaVersion = 99, Sequence = 7, Kind = "something-new", At = DateTimeOffset.UtcNow }));
        }

        var e = Assert.Throws<BuildStateException>(() => f.Reopen().ReadHistory(Id));
        Assert.Equal(StoreErrorKind.NewerSchema, e.Kind);
        Assert.Equal(log, e.FilePath);
    }
}
