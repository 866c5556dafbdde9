using BuildState.Cli.Tests.Infrastructure;
using BuildState.Tests.Shared;

namespace BuildState.Cli.Tests;

/// <summary>A wrong option value is a usage error (64) that says what the option accepts, never a .NET type name.</summary>
public sealed class OptionMessageTests : IDisposable
{
    private readonly TestStore _store = new TestStore().WithTwoBuilds();

    public void Dispose() => _store.Dispose();

    private static string UsageError(Bs.Result result)
    {
        Assert.True(result.Code == 64, result.ToString());
        Assert.DoesNotContain("System.", result.Err);
        Assert.DoesNotContain("BuildState.Model", result.Err);
        return result.Err.Split('\n')[0];
    }

    [Fact]
    public void An_unknown_status_lists_the_statuses()
    {
        var line = UsageError(Bs.Run(_store.Repo, "list", "--status", "Nope"));
        Assert.Equal("error: --status must be one of Running, Succeeded, Failed, Interrupted, not 'Nope'", line);
    }

    [Fact]
    public void A_status_in_another_case_is_accepted()
    {
        var result = Bs.Run(_store.Repo, "list", "--status", "failed", "--json");
        Assert.True(result.Code == 0, result.ToString());
        Assert.Equal(TestStore.Lib, result.Json.GetProperty("builds")[0].GetProperty("id").GetString());
    }

    [Theory]
    [InlineData("history", "App.csproj", "--last", "abc")]
    [InlineData("report", "--runs", "abc")]
    public void A_number_option_says_it_takes_a_whole_number(params string[] args)
    {
        var line = UsageError(Bs.Run(_store.Repo, args));
        Assert.Contains($"{args[^2]} must be a whole number", line);
        Assert.Contains("not 'abc'", line);
    }

    [Fact]
    public void A_bad_since_names_durations_and_dates()
    {
        var line = UsageError(Bs.Run(_store.Repo, "list", "--since", "yesterdayish"));
        Assert.Contains("'yesterdayish'", line);
        Assert.Contains("2h", line);
        Assert.Contains("2024-05-01", line);
    }

    [Fact]
    public void An_unknown_phase_is_64_and_lists_the_known_phases()
    {
        var line = UsageError(Bs.Run(_store.Repo, "list", "--phase", "Bogus"));
        Assert.Contains("'Bogus' is not a phase of any lifecycle in the store", line);
        Assert.Contains("Build", line);
        Assert.Contains("Complete", line);
    }

    [Fact]
    public void A_known_phase_no_build_is_in_lists_nothing_and_exits_0()
    {
        var result = Bs.Run(_store.Repo, "list", "--phase", "test");
        Assert.True(result.Code == 0, result.ToString());
        Assert.Contains("0 build(s)", result.Out);
    }

    [Fact]
    public void A_phase_of_a_lifecycle_the_store_carries_is_known()
    {
        var tables = Path.Combine(_store.Root, "lifecycles");
        Directory.CreateDirectory(tables);
        File.WriteAllText(Path.Combine(tables, "Release.buildstate.json"), SampleTables.Release);
        var result = Bs.Run(_store.Repo, "list", "--phase", "Signed");
        Assert.True(result.Code == 0, result.ToString());
    }
}
