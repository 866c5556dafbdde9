using BuildState.Store;

namespace BuildState.Core.Tests.Infrastructure;

/// <summary>A repository folder with a store at .buildstate/ inside it.</summary>
public sealed class StoreFixture : IDisposable
{
    private readonly TempDir _dir = new();

    public StoreFixture(Durability durability = Durability.Normal, int maxCheckpoints = 10, int maxBackups = 5, int backupInterval = 32)
    {
        Options = new StoreOptions { Durability = durability, MaxCheckpoints = maxCheckpoints, MaxBackups = maxBackups, BackupInterval = backupInterval, LockTimeout = TimeSpan.FromSeconds(30) };
        Store = BuildStore.Open(StoreRoot, Options);
    }

    public StoreOptions Options { get; }

    public string RepoRoot => _dir.Path;

    public string StoreRoot => _dir.Combine(".buildstate");

    public BuildStore Store { get; }

    /// <summary>Another store object on the same folder, as another process would open it.</summary>
    public BuildStore Reopen(Action<StoreOptions>? change = null)
    {
        var options = new StoreOptions { Durability = Options.Durability, MaxCheckpoints = Options.MaxCheckpoints, MaxBackups = Options.MaxBackups, BackupInterval = Options.BackupInterval, LockTimeout = Options.LockTimeout };
        change?.Invoke(options);
        return BuildStore.Open(StoreRoot, options);
    }

    public string WriteFile(string relative, string content)
    {
        var path = _dir.Combine(relative.Split('/'));
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>Starts a run and walks the default lifecycle through <paramref name="phases"/>.</summary>
    public void Run(string id, string runId, params string[] phases)
    {
        Store.StartRun(id, new StartRunRequest { RunId = runId });
        foreach (var phase in phases)
        {
            Store.Transition(id, phase);
        }
    }

    public static readonly string[] FullRun = ["Setup", "Build", "Test", "Cleanup", "Complete"];

    public void Dispose() => _dir.Dispose();
}
