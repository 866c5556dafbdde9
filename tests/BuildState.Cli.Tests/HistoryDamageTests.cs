using BuildState.Cli.Tests.Infrastructure;

namespace BuildState.Cli.Tests;

/// <summary>`history` of a damaged log prints what it can, says which record it could not read, warns on standard error and exits 3.</summary>
public sealed class HistoryDamageTests : IDisposable
{
    private readonly TestStore _store = new TestStore().WithTwoBuilds();

    public void Dispose() => _store.Dispose();

    private void DamageFirstRecord()
    {
        using var stream = new FileStream(_store.HistoryLog(TestStore.Core), FileMode.Open);
        stream.Position = 100;
        stream.Write("XXXXXXXXXX"u8);
    }

    [Fact]
    public void A_whole_log_lists_with_exit_0_and_no_skipped_records()
    {
        var result = Bs.Run(_store.Repo, "history", "Core.csproj", "--json");
        Assert.True(result.Code == 0, result.ToString());
        Assert.Empty(result.Json.GetProperty("skipped").EnumerateArray());
        Assert.Equal("", result.Err);
    }

    [Fact]
    public void A_damaged_record_is_named_in_the_listing_and_on_standard_error_and_exits_3()
    {
        DamageFirstRecord();

        var result = Bs.Run(_store.Repo, "history", "Core.csproj");

        Assert.True(result.Code == 3, result.ToString());
        Assert.Contains("could not read sequence 1 at offset 0", result.Out);
        Assert.Contains("Init -> Setup", result.Out); // the records after it are still listed
        var error = Assert.Single(result.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith(_store.HistoryLog(TestStore.Core) + ": ", error);
        Assert.Contains("sequence 1 at offset 0", error);
        Assert.EndsWith("(Corruption, exit code 3)", error.TrimEnd());
    }

    [Fact]
    public void The_json_lists_the_skipped_record_and_exits_3()
    {
        DamageFirstRecord();

        var result = Bs.Run(_store.Repo, "history", "Core.csproj", "--json");

        Assert.True(result.Code == 3, result.ToString());
        var skipped = Assert.Single(result.Json.GetProperty("skipped").EnumerateArray());
        Assert.Equal(0, skipped.GetProperty("offset").GetInt64());
        Assert.Equal(1, skipped.GetProperty("firstSequence").GetInt64());
        Assert.Equal(1, skipped.GetProperty("lastSequence").GetInt64());
        Assert.False(skipped.GetProperty("inProgress").GetBoolean());
        Assert.Contains("checksum mismatch", skipped.GetProperty("problem").GetString());
        Assert.DoesNotContain(result.Json.GetProperty("history").EnumerateArray(), r => r.GetProperty("sequence").GetInt64() == 1);
    }
}
