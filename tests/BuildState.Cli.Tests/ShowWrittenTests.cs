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
}
