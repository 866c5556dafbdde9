using BuildState.Core.Tests.Infrastructure;
using BuildState.Errors;
using BuildState.Store;

namespace BuildState.Core.Tests;

/// <summary>A checkpoint holds the files as they are when it is taken: where that is not what the build recorded, it says so.</summary>
public class CheckpointDriftTests
{
    private const string Id = "src/App/App.csproj|Release|net10.0";

    /// <summary>A build that recorded App.dll, App.pdb and App.xml.</summary>
    private static StoreFixture BuiltApp()
    {
        var f = new StoreFixture();
        f.Run(Id, "r", "Setup", "Build");
        string[] files = [f.WriteFile("src/App/bin/App.dll", "assembly bytes"), f.WriteFile("src/App/bin/App.pdb", "symbols"), f.WriteFile("src/App/bin/App.xml", "docs")];
        f.Store.RecordArtifacts(Id, [.. files.Select(p => new ArtifactInput(p))]);
        return f;
    }

    private static string BinFile(StoreFixture f, string name) => Path.Combine(f.RepoRoot, "src", "App", "bin", name);

    [Fact]
    public void Files_as_recorded_give_no_drift()
    {
        using var f = BuiltApp();
        f.Store.CreateCheckpoint(Id, "a", copyArtifacts: true, automatic: false, out var drift);
        Assert.False(drift.Any);
    }

    [Fact]
    public void A_changed_file_is_held_as_it_is_now_and_named()
    {
        using var f = BuiltApp();
        File.WriteAllText(BinFile(f, "App.pdb"), "symbols, signed afterwards");
        var checkpoint = f.Store.CreateCheckpoint(Id, "signed", copyArtifacts: true, automatic: false, out var drift);

        Assert.Equal(["src/App/bin/App.pdb"], drift.Changed);
        Assert.Empty(drift.Missing);
        var held = f.Store.GetCheckpoints(Id).Single(c => c.Id == checkpoint.Id).Artifacts.Single(a => a.Path == "src/App/bin/App.pdb");
        Assert.Equal(ArtifactHasher.HashBytes("symbols, signed afterwards"u8), held.Sha256);
        Assert.NotEqual(held.Sha256, f.Store.Get(Id).Artifacts.Single(a => a.Path == "src/App/bin/App.pdb").Sha256); // the build's record is left as it was
    }

    [Fact]
    public void Without_copies_a_missing_file_is_listed_as_recorded_and_named()
    {
        using var f = BuiltApp();
        var recorded = f.Store.Get(Id).Artifacts.Single(a => a.Path == "src/App/bin/App.dll").Sha256;
        File.Delete(BinFile(f, "App.dll"));
        var checkpoint = f.Store.CreateCheckpoint(Id, "manifest", copyArtifacts: false, automatic: false, out var drift);

        Assert.Equal(["src/App/bin/App.dll"], drift.Missing);
        Assert.Empty(drift.Changed);
        Assert.Equal(recorded, f.Store.GetCheckpoints(Id).Single(c => c.Id == checkpoint.Id).Artifacts.Single(a => a.Path == "src/App/bin/App.dll").Sha256);
    }

    [Fact]
    public void With_copies_missing_files_are_refused_by_name_with_what_to_do_and_nothing_is_taken()
    {
        using var f = BuiltApp();
        File.Delete(BinFile(f, "App.dll"));
        File.Delete(BinFile(f, "App.xml"));
        var before = f.Store.Get(Id).Checkpoints.Count;

        var e = Assert.Throws<BuildStateException>(() => f.Store.CreateCheckpoint(Id, "copies", copyArtifacts: true));

        Assert.Equal(StoreErrorKind.NotFound, e.Kind);
        Assert.Equal(BinFile(f, "App.dll"), e.FilePath);
        Assert.Contains("2 of 3 are missing (src/App/bin/App.dll, src/App/bin/App.xml)", e.Message);
        Assert.Contains("rebuild to bring them back", e.Message);
        Assert.Contains("checkpoint --no-artifacts", e.Message);
        Assert.Equal(before, f.Store.Get(Id).Checkpoints.Count);
    }
}
