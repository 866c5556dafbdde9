using BuildState.Cli.Tests.Infrastructure;

namespace BuildState.Cli.Tests;

/// <summary>`checkpoint BUILD`: files that are not what the build recorded are named, not taken in without a word.</summary>
public sealed class CheckpointDriftCliTests : IDisposable
{
    private readonly TestStore _store = new TestStore().WithTwoBuilds();

    public void Dispose() => _store.Dispose();

    [Fact]
    public void A_file_changed_since_the_build_is_named_in_text_and_json()
    {
        File.WriteAllText(_store.ArtifactPath("src/App/bin/App.dll"), "patched by hand");

        var text = Bs.Run(_store.Repo, "checkpoint", "App.csproj", "--name", "patched");
        Assert.True(text.Code == 0, text.ToString());
        var lines = text.Out.ReplaceLineEndings("\n").Split('\n');
        Assert.Contains("Note: 1 artifact(s) changed since the build recorded them; the checkpoint holds them as they are now:", lines);
        Assert.Contains("  src/App/bin/App.dll", lines);
        Assert.Contains($"`buildstate verify \"{TestStore.App}\"` compares the files with what the build recorded.", lines);

        var json = Bs.Run(_store.Repo, "checkpoint", "App.csproj", "--name", "patched", "--json");
        Assert.True(json.Code == 0, json.ToString());
        Assert.Equal(["src/App/bin/App.dll"], json.Json.GetProperty("changedSinceRecorded").EnumerateArray().Select(p => p.GetString()!));
        Assert.Equal(0, json.Json.GetProperty("missing").GetArrayLength());
    }

    [Fact]
    public void Files_as_recorded_get_no_note()
    {
        var text = Bs.Run(_store.Repo, "checkpoint", "App.csproj");
        Assert.True(text.Code == 0, text.ToString());
        Assert.DoesNotContain("Note:", text.Out);
    }

    [Fact]
    public void A_missing_file_is_named_without_copies_and_refused_with_them()
    {
        File.Delete(_store.ArtifactPath("src/App/bin/App.dll"));

        var manifest = Bs.Run(_store.Repo, "checkpoint", "App.csproj", "--no-artifacts", "--json");
        Assert.True(manifest.Code == 0, manifest.ToString());
        Assert.Equal(["src/App/bin/App.dll"], manifest.Json.GetProperty("missing").EnumerateArray().Select(p => p.GetString()!));

        var copies = Bs.Run(_store.Repo, "checkpoint", "App.csproj");
        Assert.Equal(5, copies.Code);
        var line = Assert.Single(copies.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("1 of 1 are missing (src/App/bin/App.dll): rebuild to bring them back", line);
        Assert.Contains("(checkpoint --no-artifacts)", line);
    }
}
