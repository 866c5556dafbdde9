using BuildState.Cli.Tests.Infrastructure;

namespace BuildState.Cli.Tests;

/// <summary>status, list, report and graph --deps list a build they cannot read as such, warn on stderr and exit non-zero.</summary>
public sealed class UnreadableBuildsTests : IDisposable
{
    private readonly TestStore _store = new TestStore().WithTwoBuilds();

    public void Dispose() => _store.Dispose();

    private string Garble(string id)
    {
        File.WriteAllText(_store.StateFile(id), "{ this is not json");
        File.WriteAllText(_store.HistoryLog(id), "garbage");
        return _store.StateFile(id);
    }

    private static void WarnsOnce(Bs.Result result, int code, string file, string id)
    {
        Assert.True(result.Code == code, result.ToString());
        var line = Assert.Single(result.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith(file + ": ", line);
        Assert.Contains(id, line);
        Assert.Contains("buildstate validate", line);
        Assert.EndsWith($"exit code {code})", line.TrimEnd());
    }

    [Fact]
    public void Status_lists_a_garbled_build_as_unreadable_and_exits_3()
    {
        var file = Garble(TestStore.Lib);

        var result = Bs.Run(_store.Repo, "status");

        WarnsOnce(result, 3, file, TestStore.Lib);
        Assert.Contains("3 build(s): 2 succeeded, 1 unreadable", result.Out);
        Assert.Matches($@"{System.Text.RegularExpressions.Regex.Escape(TestStore.Lib)}\s+\?\s+unreadable", result.Out);
        Assert.Contains("could not be read", result.Out);
    }

    [Fact]
    public void Status_json_keeps_its_fields_and_adds_an_unreadable_array()
    {
        var file = Garble(TestStore.Lib);

        var result = Bs.Run(_store.Repo, "status", "--json");

        WarnsOnce(result, 3, file, TestStore.Lib);
        Assert.Equal(2, result.Json.GetProperty("builds").GetArrayLength());
        var u = Assert.Single(result.Json.GetProperty("unreadable").EnumerateArray().ToList());
        Assert.Equal(TestStore.Lib, u.GetProperty("id").GetString());
        Assert.Equal(file, u.GetProperty("file").GetString());
        Assert.Equal("Corruption", u.GetProperty("kind").GetString());
        Assert.False(string.IsNullOrEmpty(u.GetProperty("message").GetString()));
        Assert.False(string.IsNullOrEmpty(u.GetProperty("key").GetString()));
    }

    [Fact]
    public void A_readable_store_has_an_empty_unreadable_array_and_exits_0()
    {
        var result = Bs.Run(_store.Repo, "status", "--json");
        Assert.Equal(0, result.Code);
        Assert.Equal(0, result.Json.GetProperty("unreadable").GetArrayLength());
        Assert.Equal("", result.Err);
    }

    [Fact]
    public void A_symbolic_link_state_file_is_listed_with_exit_6()
    {
        var state = _store.StateFile(TestStore.App);
        var elsewhere = Path.Combine(_store.Repo, "elsewhere.json");
        File.Move(state, elsewhere);
        File.CreateSymbolicLink(state, elsewhere);
        // A copied store (as a reviewer makes) has every index entry stale: the builds are read again.
        File.Delete(_store.Store.Layout.IndexFile);
        File.Delete(_store.Store.Layout.IndexJournal);

        var result = Bs.Run(_store.Repo, "status");

        Assert.True(result.Code == 6, result.ToString());
        Assert.Contains("unreadable", result.Out);
        Assert.Contains("symbolic link", result.Err);
        Assert.Equal(6, Bs.Run(_store.Repo, "status").Code); // and again, once the index was rebuilt without it
    }

    [Fact]
    public void List_shows_an_unreadable_build_whatever_the_filters()
    {
        var file = Garble(TestStore.Lib);

        var result = Bs.Run(_store.Repo, "list", "--status", "Succeeded");
        WarnsOnce(result, 3, file, TestStore.Lib);
        Assert.Contains("unreadable", result.Out);

        var json = Bs.Run(_store.Repo, "list", "--json");
        Assert.Equal(3, json.Code);
        Assert.Equal(TestStore.Lib, json.Json.GetProperty("unreadable")[0].GetProperty("id").GetString());
    }

    [Fact]
    public void Report_is_written_names_the_unreadable_build_and_exits_3()
    {
        var file = Garble(TestStore.Lib);
        var html = Path.Combine(_store.Repo, "r.html");

        var result = Bs.Run(_store.Repo, "report", "-o", html, "--json");

        WarnsOnce(result, 3, file, TestStore.Lib);
        Assert.True(File.Exists(html));
        Assert.Contains(TestStore.Lib, File.ReadAllText(html));
        Assert.Equal(TestStore.Lib, result.Json.GetProperty("unreadable")[0].GetProperty("id").GetString());
    }

    [Fact]
    public void Graph_deps_draws_the_unreadable_build_and_exits_3()
    {
        var file = Garble(TestStore.Lib);

        var result = Bs.Run(_store.Repo, "graph", "--deps");

        WarnsOnce(result, 3, file, TestStore.Lib);
        Assert.Contains($"{TestStore.Lib} (unreadable)", result.Out);
        Assert.Contains(TestStore.App, result.Out);
    }

    [Theory]
    [InlineData("show", "Lib")]
    [InlineData("show", "Lib|Debug")]
    [InlineData("history", "lib|debug|net10.0")]
    [InlineData("verify", "Lib.csproj")]
    public void Every_way_of_naming_an_unreadable_build_gets_its_read_problem_not_no_match(string verb, string part)
    {
        _ = Bs.Run(_store.Repo, "status"); // the index knows the build's id
        var file = Garble(TestStore.Lib);

        var result = Bs.Run(_store.Repo, verb, part);

        Assert.True(result.Code == 3, result.ToString());
        Assert.Contains(file, result.Err);
        Assert.DoesNotContain("no build matches", result.Err);
    }
}
