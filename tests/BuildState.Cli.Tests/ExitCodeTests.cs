using BuildState.Cli.Tests.Infrastructure;
using BuildState.Store;

namespace BuildState.Cli.Tests;

/// <summary>Every exit code of DESIGN.md, provoked honestly; errors are one line naming the file, never a stack trace.</summary>
public sealed class ExitCodeTests : IDisposable
{
    private readonly TestStore _store = new TestStore().WithTwoBuilds();

    public void Dispose() => _store.Dispose();

    private static void OneLine(Bs.Result result, int code, string mustContain)
    {
        Assert.True(result.Code == code, result.ToString());
        var lines = result.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, result.ToString());
        Assert.Contains(mustContain, lines[0]);
        Assert.Contains($"exit code {code}", lines[0]);
        Assert.DoesNotContain("   at ", result.Err);
    }

    [Fact]
    public void Unknown_id_is_5()
    {
        OneLine(Bs.Run(_store.Repo, "show", "NoSuchProject"), 5, "no build matches 'NoSuchProject'; `buildstate list` shows the 3 build(s) there are");
    }

    [Fact]
    public void Unknown_id_in_a_store_without_builds_says_to_build_first()
    {
        using var empty = new TestStore();
        Directory.CreateDirectory(empty.Root); // the folder exists, with nothing recorded yet
        OneLine(Bs.Run(empty.Repo, "show", "App"), 5, "no build matches 'App': the store has no build yet; build a project that uses BuildState.Sdk first");
    }

    [Fact]
    public void Ambiguous_id_is_5_and_lists_the_candidates()
    {
        var result = Bs.Run(_store.Repo, "show", "Debug");
        OneLine(result, 5, "matches 3 builds");
        Assert.Contains(TestStore.App, result.Err);
        Assert.Contains(TestStore.Lib, result.Err);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void An_empty_build_argument_is_a_usage_error_not_a_match_of_every_build(string part)
    {
        var result = Bs.Run(_store.Repo, "show", part);

        Assert.True(result.Code == 64, result.ToString());
        Assert.Contains("BUILD is empty", result.Err);
        Assert.DoesNotContain("matches", result.Err);
    }

    [Fact]
    public void No_store_is_5_with_a_hint()
    {
        var empty = Path.Combine(_store.Repo, "..", "bs-empty-" + Guid.NewGuid().ToString("N")[..6]);
        Directory.CreateDirectory(empty);
        try
        {
            OneLine(Bs.Run(empty, "status", "--root", Path.Combine(empty, "missing")), 5, "there is no store");
        }
        finally
        {
            Directory.Delete(empty, true);
        }
    }

    [Fact]
    public void A_file_where_the_store_belongs_is_5_and_says_so_instead_of_build_first()
    {
        var repo = Path.Combine(_store.Repo, "..", "bs-file-" + Guid.NewGuid().ToString("N")[..6]);
        Directory.CreateDirectory(Path.Combine(repo, "src"));
        File.WriteAllText(Path.Combine(repo, ".buildstate"), "not a folder");
        try
        {
            OneLine(Bs.Run(Path.Combine(repo, "src"), "status"), 5, "a file stands where the store folder belongs");
        }
        finally
        {
            Directory.Delete(repo, true);
        }
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("show")]
    [InlineData("status", "--no-such-option")]
    [InlineData("list", "--since", "yesterday-ish")]
    [InlineData("archive")]
    [InlineData("prune")]
    [InlineData("graph", "--format", "png")]
    public void Usage_errors_are_64_and_print_the_usage(params string[] args)
    {
        var result = Bs.Run(_store.Repo, args);
        Assert.True(result.Code == 64, result.ToString());
        Assert.Contains("Usage:", result.Err);
        Assert.Equal("", result.Out);
    }

    [Fact]
    public void Help_is_0_and_has_an_example()
    {
        var result = Bs.Run(_store.Repo, "restore", "--help");
        Assert.Equal(0, result.Code);
        Assert.Contains("Example:", result.Out);
        Assert.Contains("buildstate restore", result.Out);
    }

    [Fact]
    public void A_held_lock_is_2_naming_the_owner()
    {
        var holder = _store.Open();
        using (holder.Locks.Acquire(holder.Layout.BuildLock(BuildKey.For(TestStore.App)), "test holds it"))
        {
            var result = Bs.Run(_store.Repo, "checkpoint", "App.csproj", "--lock-timeout", "300ms");
            OneLine(result, 2, Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        Assert.Equal(0, Bs.Run(_store.Repo, "checkpoint", "App.csproj").Code);
    }

    [Fact]
    public void A_corrupt_state_without_history_or_backup_is_3_naming_the_file()
    {
        var state = _store.StateFile(TestStore.Lib);
        File.WriteAllText(state, "{ this is not json");
        File.WriteAllText(_store.HistoryLog(TestStore.Lib), "garbage");
        var backups = _store.Store.Layout.BackupDir(BuildKey.For(TestStore.Lib));
        if (Directory.Exists(backups))
        {
            Directory.Delete(backups, true);
        }

        OneLine(Bs.Run(_store.Repo, "show", TestStore.Lib), 3, state);
        var validate = Bs.Run(_store.Repo, "validate");
        Assert.Equal(3, validate.Code);
        Assert.Contains(state, validate.Out);
    }

    [Fact]
    public void A_corrupt_checkpoint_is_3_on_restore()
    {
        var checkpoint = Directory.GetFiles(_store.Store.Layout.CheckpointsDir(BuildKey.For(TestStore.App)), "*.json").Single();
        File.WriteAllText(checkpoint, "[1,2");
        OneLine(Bs.Run(_store.Repo, "restore", "App.csproj", "after-build"), 3, checkpoint);
    }

    [Fact]
    public void An_illegal_transition_in_a_state_is_4_on_validate()
    {
        var state = _store.StateFile(TestStore.App);
        File.WriteAllText(state, File.ReadAllText(state).Replace("\"to\": \"Test\"", "\"to\": \"Complete\""));
        var result = Bs.Run(_store.Repo, "validate", "--json");
        Assert.True(result.Code is 3 or 4, result.ToString());
    }

    [Fact]
    public void A_changed_artifact_is_4_on_verify()
    {
        Assert.Equal(0, Bs.Run(_store.Repo, "verify", "App.csproj").Code);
        File.AppendAllText(_store.ArtifactPath("src/App/bin/App.dll"), "tampered");
        var result = Bs.Run(_store.Repo, "verify", "App.csproj", "--json");
        Assert.Equal(4, result.Code);
        Assert.Equal("changed", result.Json.GetProperty("artifacts")[0].GetProperty("status").GetString());
    }

    [Fact]
    public void A_symbolic_link_in_the_store_is_6()
    {
        var state = _store.StateFile(TestStore.App);
        var elsewhere = Path.Combine(_store.Repo, "elsewhere.json");
        File.Move(state, elsewhere);
        File.CreateSymbolicLink(state, elsewhere);
        OneLine(Bs.Run(_store.Repo, "show", "App.csproj"), 6, "symbolic link");
    }

    [Fact]
    public void Restore_without_copies_is_4()
    {
        Bs.Run(_store.Repo, "checkpoint", "App.csproj", "--name", "manifest-only", "--no-artifacts");
        OneLine(Bs.Run(_store.Repo, "restore", "App.csproj", "manifest-only", "--artifacts"), 4, "(manifest-only) holds no artifact copies, so it cannot put files back: restore it without artifacts (the state only), or one with copies (`buildstate checkpoints` marks them)");
    }

    [Fact]
    public void Verbose_shows_the_details()
    {
        var result = Bs.Run(_store.Repo, "show", "NoSuchProject", "--verbose");
        Assert.Equal(5, result.Code);
        Assert.Contains("BuildStateException", result.Err);
    }
}
