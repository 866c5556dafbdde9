using BuildState.Core.Tests.Infrastructure;
using BuildState.Model;
using BuildState.Store;

namespace BuildState.Core.Tests;

/// <summary>An output rewritten after it was recorded (signed, merged) gets the hash of the file as it is left; one moved away is no longer listed.</summary>
public class ArtifactRefreshTests
{
    private const string Id = "src/App/App.csproj|Release|net10.0";

    /// <summary>A completed run "r" that recorded App.dll and App.pdb.</summary>
    private static StoreFixture BuiltApp()
    {
        var f = new StoreFixture();
        f.Run(Id, "r", "Setup", "Build");
        string[] files = [f.WriteFile("src/App/bin/App.dll", "assembly bytes"), f.WriteFile("src/App/bin/App.pdb", "symbols")];
        f.Store.RecordArtifacts(Id, [.. files.Select(p => new ArtifactInput(p, "assembly"))]);
        f.Store.Transition(Id, "Cleanup");
        f.Store.Transition(Id, "Complete");
        return f;
    }

    private static string BinFile(StoreFixture f, string name) => Path.Combine(f.RepoRoot, "src", "App", "bin", name);

    private static ArtifactRecord Recorded(StoreFixture f, string name) => f.Store.Get(Id).Artifacts.Single(a => a.Path == "src/App/bin/" + name);

    [Fact]
    public void A_file_rewritten_after_it_was_recorded_gets_its_new_hash_and_a_history_entry()
    {
        using var f = BuiltApp();
        var seen = f.Store.Get(Id).Artifacts;
        File.WriteAllText(BinFile(f, "App.dll"), "assembly bytes, signed");

        var refreshed = f.Store.RefreshArtifacts(Id, "r", seen);

        Assert.Equal(["src/App/bin/App.dll"], refreshed.Rehashed);
        Assert.Empty(refreshed.Gone);
        var dll = Recorded(f, "App.dll");
        Assert.Equal(ArtifactHasher.HashBytes("assembly bytes, signed"u8), dll.Sha256);
        Assert.Equal(new FileInfo(BinFile(f, "App.dll")).Length, dll.Size);
        Assert.Equal("assembly", dll.Kind);
        Assert.Equal(ArtifactHasher.HashBytes("symbols"u8), Recorded(f, "App.pdb").Sha256);
        Assert.Contains(f.Store.GetHistory(Id), h => h.Kind == HistoryKinds.Artifacts && h.Message == "1 artifact(s) changed after they were recorded, hashed again: src/App/bin/App.dll");
        Assert.Equal(RunStatus.Succeeded, f.Store.Get(Id).Status); // the run stays as it ended
    }

    [Fact]
    public void A_rewrite_of_the_same_size_is_seen_by_its_write_time()
    {
        using var f = BuiltApp();
        var seen = f.Store.Get(Id).Artifacts;
        File.WriteAllText(BinFile(f, "App.pdb"), "SYMBOLS");
        File.SetLastWriteTimeUtc(BinFile(f, "App.pdb"), seen.Single(a => a.Path.EndsWith(".pdb", StringComparison.Ordinal)).LastWriteUtc.UtcDateTime.AddSeconds(1));

        Assert.Equal(["src/App/bin/App.pdb"], f.Store.RefreshArtifacts(Id, "r", seen).Rehashed);
        Assert.Equal(ArtifactHasher.HashBytes("SYMBOLS"u8), Recorded(f, "App.pdb").Sha256);
    }

    [Fact]
    public void A_rewrite_that_keeps_the_size_and_sets_the_write_time_back_is_seen_by_its_change_time()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // the change time is read on Linux only (FileStamp)
        }

        using var f = BuiltApp();
        var pdb = BinFile(f, "App.pdb");
        var written = DateTime.UtcNow.AddHours(-1); // a copy that kept its source's time, say
        File.SetLastWriteTimeUtc(pdb, written);
        Assert.Equal(["src/App/bin/App.pdb"], f.Store.RefreshArtifacts(Id, "r", f.Store.Get(Id).Artifacts).Rehashed);
        var seen = f.Store.Get(Id).Artifacts;

        Thread.Sleep(20); // past the kernel's coarse clock tick
        File.WriteAllText(pdb, "SYMBOLS");
        File.SetLastWriteTimeUtc(pdb, written); // what `touch -r`, or another copy keeping its source's time, leaves

        Assert.Equal(["src/App/bin/App.pdb"], f.Store.RefreshArtifacts(Id, "r", seen).Rehashed);
        var now = Recorded(f, "App.pdb");
        Assert.Equal(ArtifactHasher.HashBytes("SYMBOLS"u8), now.Sha256);
        Assert.Equal(new DateTimeOffset(File.GetLastWriteTimeUtc(pdb), TimeSpan.Zero), now.LastWriteUtc);
        Assert.True(now.ChangedUtc > now.LastWriteUtc);

        // Its stamps are now the recorded ones: nothing more to do.
        Assert.Same(ArtifactRefresh.None, f.Store.RefreshArtifacts(Id, "r", f.Store.Get(Id).Artifacts));
    }

    [Fact]
    public void Unchanged_files_write_nothing()
    {
        using var f = BuiltApp();
        var before = f.Store.Get(Id).Sequence;

        Assert.Same(ArtifactRefresh.None, f.Store.RefreshArtifacts(Id, "r", f.Store.Get(Id).Artifacts));
        Assert.Equal(before, f.Store.Get(Id).Sequence);
    }

    [Fact]
    public void A_file_that_is_gone_is_no_longer_listed()
    {
        using var f = BuiltApp();
        var seen = f.Store.Get(Id).Artifacts;
        File.Delete(BinFile(f, "App.pdb"));
        File.WriteAllText(BinFile(f, "App.dll"), "assembly bytes, merged");

        var refreshed = f.Store.RefreshArtifacts(Id, "r", seen);

        Assert.Equal(["src/App/bin/App.dll"], refreshed.Rehashed);
        Assert.Equal(["src/App/bin/App.pdb"], refreshed.Gone);
        Assert.Equal(["src/App/bin/App.dll"], f.Store.Get(Id).Artifacts.Select(a => a.Path));
        Assert.Equal(
            "1 artifact(s) changed after they were recorded, hashed again: src/App/bin/App.dll; 1 artifact(s) gone since they were recorded, no longer listed: src/App/bin/App.pdb",
            f.Store.GetHistory(Id)[^1].Message);
    }

    [Fact]
    public void A_later_run_of_the_build_is_not_changed()
    {
        using var f = BuiltApp();
        var seen = f.Store.Get(Id).Artifacts;
        f.Run(Id, "r2", "Setup", "Build");
        File.WriteAllText(BinFile(f, "App.dll"), "rewritten");

        var refreshed = f.Store.RefreshArtifacts(Id, "r", seen);
        Assert.Empty(refreshed.Rehashed);
        Assert.Empty(refreshed.Gone);
        Assert.Empty(f.Store.Get(Id).Artifacts); // r2 recorded none, and gets none of r's
    }

    [Fact]
    public void An_entry_recorded_again_since_is_newer_and_stays()
    {
        using var f = BuiltApp();
        var seen = f.Store.Get(Id).Artifacts;
        File.WriteAllText(BinFile(f, "App.dll"), "packed into the package");
        f.Store.RecordArtifacts(Id, [new ArtifactInput(BinFile(f, "App.dll"), "assembly")]);
        var sequence = f.Store.Get(Id).Sequence;

        Assert.Empty(f.Store.RefreshArtifacts(Id, "r", seen).Rehashed);
        Assert.Equal(sequence, f.Store.Get(Id).Sequence);
        Assert.Equal(ArtifactHasher.HashBytes("packed into the package"u8), Recorded(f, "App.dll").Sha256);
    }
}
