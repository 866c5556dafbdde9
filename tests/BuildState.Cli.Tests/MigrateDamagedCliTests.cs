using BuildState.Cli.Tests.Infrastructure;
using BuildState.Store;

namespace BuildState.Cli.Tests;

/// <summary>`migrate` over a store with a damaged state file: the file is named and left as it is, the rest migrated, exit 3 with what to do.</summary>
public sealed class MigrateDamagedCliTests : IDisposable
{
    private readonly TestStore _store = new TestStore().WithTwoBuilds();

    public void Dispose() => _store.Dispose();

    [Fact]
    public void A_damaged_state_is_named_left_as_it_is_and_exits_3_saying_to_recover_then_migrate()
    {
        // A state file of the first schema, cut off: migrate has to read it to upgrade it.
        var state = _store.Store.Layout.StateFile(BuildKey.For(TestStore.App));
        var damaged = $"{{ \"schema_version\": 1, \"id\": \"{TestStore.App}\", \"phase\": \"TE";
        File.WriteAllText(state, damaged);

        var result = Bs.Run(_store.Repo, "migrate");
        Assert.True(result.Code == 3, result.ToString());
        Assert.Contains($"damaged, left as is {state}: ", result.Out);
        Assert.Contains("0 file(s) migrated, 0 file(s) of a newer schema left as they are, 1 damaged state file(s) left as they are.", result.Out);
        var line = Assert.Single(result.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"{state}: ", line, StringComparison.Ordinal);
        Assert.EndsWith("`buildstate recover` repairs it from its history and backups, then run `buildstate migrate` again (Corruption, exit code 3)", line, StringComparison.Ordinal);

        var json = Bs.Run(_store.Repo, "migrate", "--json");
        Assert.Equal(3, json.Code);
        Assert.Equal(3, json.Json.GetProperty("exitCode").GetInt32());
        Assert.Equal(state, Assert.Single(json.Json.GetProperty("damaged").EnumerateArray()).GetProperty("file").GetString());
        Assert.Empty(json.Json.GetProperty("newer").EnumerateArray());
        Assert.Equal(damaged, File.ReadAllText(state));

        // As the advice says: recover repairs it (from its history), and migrate then has nothing left to report.
        var recover = Bs.Run(_store.Repo, "recover");
        Assert.True(recover.Code == 0, recover.ToString());
        var again = Bs.Run(_store.Repo, "migrate");
        Assert.True(again.Code == 0, again.ToString());
        Assert.Contains("Every file is at the current schema version.", again.Out);
    }
}
