using System.Text.Json;
using BuildState.Cli.Tests.Infrastructure;
using BuildState.Store;

namespace BuildState.Cli.Tests;

/// <summary>`show` tells which artifacts the latest run wrote: a no-op build writes none, a compile does.</summary>
public sealed class ShowWrittenTests : IDisposable
{
    private readonly TestStore _store = new();

    public void Dispose() => _store.Dispose();

    [Fact]
    public void Show_marks_the_artifacts_the_run_wrote_and_says_when_it_wrote_none()
    {
        var dll = _store.ArtifactPath("src/App/bin/App.dll");
        var pdb = _store.ArtifactPath("src/App/bin/App.pdb");
        Directory.CreateDirectory(Path.GetDirectoryName(dll)!);
        File.WriteAllText(dll, "compiled before");
        File.WriteAllText(pdb, "compiled before");
        File.SetLastWriteTimeUtc(dll, DateTime.UtcNow.AddMinutes(-5));
        File.SetLastWriteTimeUtc(pdb, DateTime.UtcNow.AddMinutes(-5));
        Thread.Sleep(100); // setting a write time is a change (ctime) too: the run starts after it

        _store.Store.StartRun(TestStore.App, new StartRunRequest { RunId = "noop" });
        _store.Store.RecordArtifacts(TestStore.App, [new ArtifactInput(dll, "assembly"), new ArtifactInput(pdb, "pdb")]);
        var noop = Bs.Run(_store.Repo, "show", "App").Out;
        Assert.Contains("none written by this run: its outputs were up to date", noop);
        Assert.DoesNotContain("this run ", noop.Replace("written by this run", "", StringComparison.Ordinal));

        _store.Store.StartRun(TestStore.App, new StartRunRequest { RunId = "compiled" });
        Thread.Sleep(100); // a compile writes its outputs well after its run's start; the kernel stamps files from a coarser clock
        File.WriteAllText(dll, "compiled again");
        _store.Store.RecordArtifacts(TestStore.App, [new ArtifactInput(dll, "assembly"), new ArtifactInput(pdb, "pdb")]);
        var rows = Bs.Run(_store.Repo, "show", "App").Out.Split('\n');
        Assert.Contains(rows, r => r.Contains("; 1 written by this run", StringComparison.Ordinal));
        Assert.Contains("this run", rows.Single(r => r.Contains("src/App/bin/App.dll", StringComparison.Ordinal)));
        Assert.Contains("earlier", rows.Single(r => r.Contains("src/App/bin/App.pdb", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_copy_made_by_the_run_is_its_own_although_the_copy_kept_its_sources_older_write_time()
    {
        // What publish does: MSBuild's Copy (File.Copy) gives the copy its source's write time on Unix.
        var built = _store.ArtifactPath("src/App/bin/App.dll");
        var published = _store.ArtifactPath("src/App/publish/App.dll");
        Directory.CreateDirectory(Path.GetDirectoryName(built)!);
        Directory.CreateDirectory(Path.GetDirectoryName(published)!);
        File.WriteAllText(built, "compiled before");
        File.SetLastWriteTimeUtc(built, DateTime.UtcNow.AddMinutes(-5));
        Thread.Sleep(100);

        _store.Store.StartRun(TestStore.App, new StartRunRequest { RunId = "publish" });
        Thread.Sleep(100);
        File.Copy(built, published);
        _store.Store.RecordArtifacts(TestStore.App, [new ArtifactInput(built, "assembly"), new ArtifactInput(published, "publish")]);
        var rows = Bs.Run(_store.Repo, "show", "App").Out.Split('\n');
        Assert.Contains("earlier", rows.Single(r => r.Contains("src/App/bin/App.dll", StringComparison.Ordinal)));
        Assert.Contains(OperatingSystem.IsLinux() ? "this run" : "earlier", rows.Single(r => r.Contains("src/App/publish/App.dll", StringComparison.Ordinal)));

        var json = JsonDocument.Parse(Bs.Run(_store.Repo, "show", "App", "--json").Out).RootElement.GetProperty("artifacts");
        var copy = json.EnumerateArray().Single(a => a.GetProperty("path").GetString() == "src/App/publish/App.dll");
        var original = json.EnumerateArray().Single(a => a.GetProperty("path").GetString() == "src/App/bin/App.dll");
        Assert.Equal(original.GetProperty("lastWriteUtc").GetDateTimeOffset(), copy.GetProperty("lastWriteUtc").GetDateTimeOffset());
        if (OperatingSystem.IsLinux())
        {
            Assert.True(copy.GetProperty("changedUtc").GetDateTimeOffset() > copy.GetProperty("lastWriteUtc").GetDateTimeOffset());
        }
    }
}
