using BuildState.Cli.Tests.Infrastructure;
using BuildState.Store;

namespace BuildState.Cli.Tests;

/// <summary>--root must name a store: a folder that is not one is exit 5, and nothing is created in it.</summary>
public sealed class StoreRootTests : IDisposable
{
    private readonly TestStore _store = new TestStore().WithTwoBuilds();

    public void Dispose() => _store.Dispose();

    private string Folder(string name, bool withAFile)
    {
        var folder = Path.Combine(_store.Repo, name);
        Directory.CreateDirectory(folder);
        if (withAFile)
        {
            File.WriteAllText(Path.Combine(folder, "Program.cs"), "// source");
        }

        return folder;
    }

    private static void NotAStore(Bs.Result result, string folder)
    {
        Assert.True(result.Code == 5, result.ToString());
        var line = Assert.Single(result.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains($"not a BuildState store: {folder}", line);
        Assert.Contains("pass the .buildstate folder", line);
        Assert.Contains("exit code 5", line);
    }

    [Theory]
    [InlineData("recover")]
    [InlineData("migrate")]
    [InlineData("status")]
    [InlineData("report")]
    [InlineData("archive", "--older-than", "1s")]
    public void An_empty_folder_is_not_a_store_and_stays_empty(params string[] args)
    {
        var folder = Folder("empty", withAFile: false);

        NotAStore(Bs.Run(_store.Repo, [.. args, "--root", folder]), folder);

        Assert.Empty(Directory.EnumerateFileSystemEntries(folder));
        Assert.False(File.Exists(Path.Combine(_store.Repo, "buildstate-report.html")));
    }

    [Fact]
    public void A_source_folder_is_not_a_store()
    {
        var folder = Folder("src-folder", withAFile: true);

        var result = Bs.Run(_store.Repo, "status", "--root", folder);

        NotAStore(result, folder);
        Assert.Contains("no index.json, active/ or archived/", result.Err);
        Assert.Equal(["Program.cs"], Directory.EnumerateFileSystemEntries(folder).Select(Path.GetFileName));
    }

    [Fact]
    public void A_store_in_a_folder_of_another_name_is_found_by_what_it_holds()
    {
        var root = Path.Combine(_store.Repo, "ci-state");
        var store = BuildStore.Open(root, new StoreOptions { Durability = Durability.None });
        store.StartRun(TestStore.App, new StartRunRequest { RunId = "r" });

        var result = Bs.Run(_store.Repo, "status", "--json", "--root", root);

        Assert.True(result.Code == 0, result.ToString());
        Assert.Equal(1, result.Json.GetProperty("builds").GetArrayLength());
    }

    [Fact]
    public void An_empty_folder_named_buildstate_is_an_empty_store()
    {
        var folder = Folder(Path.Combine("fresh", ".buildstate"), withAFile: false);

        var result = Bs.Run(_store.Repo, "status", "--root", folder);

        Assert.True(result.Code == 0, result.ToString());
        Assert.Contains("No builds in", result.Out);
    }

    [Fact]
    public void Without_root_the_store_above_the_current_folder_is_found()
    {
        var below = Folder(Path.Combine("src", "App"), withAFile: true);

        var result = Bs.Run(below, "status", "--json");

        Assert.True(result.Code == 0, result.ToString());
        Assert.Equal(3, result.Json.GetProperty("builds").GetArrayLength());
    }
}
