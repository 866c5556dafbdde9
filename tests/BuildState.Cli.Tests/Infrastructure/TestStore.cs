using BuildState.Model;
using BuildState.Store;

namespace BuildState.Cli.Tests.Infrastructure;

/// <summary>A temporary repository with a .buildstate/ store filled through the Core API.</summary>
public sealed class TestStore : IDisposable
{
    public const string App = "src/App/App.csproj|Debug|net10.0";
    public const string Lib = "src/Lib/Lib.csproj|Debug|net10.0";
    public const string Core = "src/Core/Core.csproj|Debug|net10.0";

    public TestStore()
    {
        Repo = Path.Combine(Path.GetTempPath(), "bs-cli-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(Repo);
        Root = Path.Combine(Repo, ".buildstate");
        Store = Open();
    }

    public string Repo { get; }

    public string Root { get; }

    public BuildStore Store { get; }

    public BuildStore Open(TimeSpan? lockTimeout = null) =>
        BuildStore.Open(Root, new StoreOptions { Durability = Durability.None, LockTimeout = lockTimeout ?? TimeSpan.FromSeconds(10) });

    public string StateFile(string id) => Store.Layout.StateFile(BuildKey.For(id));

    public string HistoryLog(string id) => Store.Layout.HistoryLog(BuildKey.For(id));

    public string ArtifactPath(string relative) => Path.Combine(Repo, relative.Replace('/', Path.DirectorySeparatorChar));

    /// <summary>Lib fails with a compile error; Core succeeds; App (depends on Core) succeeds with an artifact and a checkpoint (with copies) taken in Build.</summary>
    public TestStore WithTwoBuilds(string runId = "run-1")
    {
        Store.StartRun(Lib, new StartRunRequest { RunId = runId });
        Store.Transition(Lib, "Setup");
        Store.Transition(Lib, "Build");
        Store.RecordError(Lib, new ErrorRecord { Code = "CS0103", Message = "The name 'Widget' does not exist in the current context", File = "src/Lib/Widget.cs", Line = 12, Column = 9, Target = "CoreCompile" });
        Store.EndRun(Lib, RunOutcome.Failed);

        Store.StartRun(Core, new StartRunRequest { RunId = runId });
        foreach (var phase in new[] { "Setup", "Build", "Cleanup", "Complete" })
        {
            Store.Transition(Core, phase);
        }

        Store.StartRun(App, new StartRunRequest { RunId = runId, Dependencies = [Core] });
        Store.Transition(App, "Setup");
        Store.Transition(App, "Build");
        var dll = ArtifactPath("src/App/bin/App.dll");
        Directory.CreateDirectory(Path.GetDirectoryName(dll)!);
        File.WriteAllText(dll, "assembly bytes " + runId);
        Store.RecordArtifacts(App, [new ArtifactInput(dll, "assembly")]);
        Store.CreateCheckpoint(App, "after-build", copyArtifacts: true);
        Store.Transition(App, "Test");
        Store.Transition(App, "Cleanup");
        Store.Transition(App, "Complete");
        return this;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Repo, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
