using BuildState.Core.Tests.Infrastructure;
using BuildState.Errors;
using BuildState.Store;

namespace BuildState.Core.Tests;

/// <summary>The index names the builds it cannot read instead of leaving them out in silence.</summary>
public class ListWithUnreadableTests
{
    private const string App = "src/App/App.csproj|Debug|net10.0";
    private const string Lib = "src/Lib/Lib.csproj|Debug|net10.0";

    [Fact]
    public void A_build_whose_state_and_history_are_garbage_is_reported_with_its_last_known_id()
    {
        using var f = new StoreFixture();
        f.Run(App, "r", StoreFixture.FullRun);
        f.Run(Lib, "r", StoreFixture.FullRun);
        var key = BuildKey.For(Lib);
        File.WriteAllText(f.Store.Layout.StateFile(key), "garbage");
        File.WriteAllText(f.Store.Layout.HistoryLog(key), "garbage");

        var listing = f.Reopen().ListWithUnreadable();

        Assert.Equal([App], listing.Builds.Select(b => b.Id));
        var unreadable = Assert.Single(listing.Unreadable);
        Assert.Equal(Lib, unreadable.LastKnownId);
        Assert.Equal(key, unreadable.Key);
        Assert.Equal(f.Store.Layout.StateFile(key), unreadable.File);
        Assert.Equal(StoreErrorKind.Corruption, unreadable.Kind);
        Assert.Equal([App], f.Reopen().List().Select(b => b.Id)); // List() itself is unchanged
    }

    [Fact]
    public void An_unreadable_build_is_still_reported_once_the_index_was_rebuilt_without_it()
    {
        using var f = new StoreFixture();
        f.Run(App, "r", StoreFixture.FullRun);
        var key = BuildKey.For(App);
        File.WriteAllText(f.Store.Layout.StateFile(key), "garbage");
        File.WriteAllText(f.Store.Layout.HistoryLog(key), "garbage");
        File.Delete(f.Store.Layout.IndexFile);
        File.Delete(f.Store.Layout.IndexJournal);

        var first = f.Reopen().ListWithUnreadable();
        var second = f.Reopen().ListWithUnreadable();

        Assert.Empty(first.Builds);
        Assert.Null(Assert.Single(first.Unreadable).LastKnownId); // the rebuilt index never had its id
        Assert.Equal(key, Assert.Single(second.Unreadable).Key);
    }

    [Fact]
    public void A_symbolic_link_for_a_state_file_is_reported_as_permission_denied()
    {
        using var f = new StoreFixture();
        f.Run(App, "r", StoreFixture.FullRun);
        var state = f.Store.Layout.StateFile(BuildKey.For(App));
        var elsewhere = Path.Combine(f.RepoRoot, "elsewhere.json");
        File.Move(state, elsewhere);
        File.CreateSymbolicLink(state, elsewhere);
        File.Delete(f.Store.Layout.IndexFile);
        File.Delete(f.Store.Layout.IndexJournal);

        var unreadable = Assert.Single(f.Reopen().ListWithUnreadable().Unreadable);

        Assert.Equal(StoreErrorKind.PermissionDenied, unreadable.Kind);
        Assert.Equal(ExitCodes.PermissionDenied, unreadable.ExitCode);
    }

    [Fact]
    public void A_build_folder_with_nothing_committed_yet_is_not_reported()
    {
        using var f = new StoreFixture();
        f.Run(App, "r", StoreFixture.FullRun);
        Directory.CreateDirectory(f.Store.Layout.HistoryDir(BuildKey.For(Lib))); // a first commit being written

        var listing = f.Reopen().ListWithUnreadable();

        Assert.Equal([App], listing.Builds.Select(b => b.Id));
        Assert.Empty(listing.Unreadable);
    }
}
