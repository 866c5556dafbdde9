using BuildState.Errors;

namespace BuildState.Store;

public sealed partial class BuildStore
{
    private string LifecyclesDir => Path.Combine(Layout.Root, "lifecycles");

    /// <summary>
    /// Keeps a copy of a custom lifecycle's table file in the store (lifecycles/&lt;Name&gt;.buildstate.json),
    /// so tools that never see the project (`buildstate validate`) can check that lifecycle's builds.
    /// </summary>
    public void SaveLifecycleTable(string name, string tableText)
    {
        if (string.IsNullOrEmpty(name) || name.Any(c => !(char.IsLetterOrDigit(c) || c == '_')))
        {
            throw new BuildStateException(StoreErrorKind.Validation, $"'{name}' is not a valid lifecycle name");
        }

        EnsureStoreDirectories();
        var path = Path.Combine(LifecyclesDir, name + ".buildstate.json");
        var bytes = System.Text.Encoding.UTF8.GetBytes(tableText);
        if (_fs.FileExists(path) && _fs.ReadAllBytes(path, StoreLimits.MaxStateFileBytes).AsSpan().SequenceEqual(bytes))
        {
            return;
        }

        CreateDirectoryDurably(LifecyclesDir);
        WriteAtomic(path, bytes, sync: false);
    }

    /// <summary>
    /// When the store's copy of a lifecycle's table last changed (it is written only when its text
    /// differs), or null when the store keeps no copy of it (the default lifecycle).
    /// </summary>
    public DateTimeOffset? LifecycleTableChangedAt(string name)
    {
        var path = Path.Combine(LifecyclesDir, name + ".buildstate.json");
        return _fs.FileExists(path) ? new DateTimeOffset(File.GetLastWriteTimeUtc(path), TimeSpan.Zero) : null;
    }

    /// <summary>The lifecycle table files kept in the store: (path, text) pairs, for tools to parse.</summary>
    public IReadOnlyList<(string Path, string Text)> LoadLifecycleTables()
    {
        var tables = new List<(string, string)>();
        foreach (var path in _fs.EnumerateFiles(LifecyclesDir, "*.buildstate.json").Order(StringComparer.Ordinal))
        {
            GuardNoLinks(path);
            tables.Add((path, System.Text.Encoding.UTF8.GetString(_fs.ReadAllBytes(path, StoreLimits.MaxStateFileBytes))));
        }

        return tables;
    }
}
