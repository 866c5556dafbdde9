using BuildState.Lifecycle;
using BuildState.Tables;

namespace BuildState.Sdk.Session;

/// <summary>
/// Reads a project's table files with the same parser the generator uses, so a table is enforced
/// at build time exactly as it is checked at compile time.
/// </summary>
internal static class TableLoader
{
    private const long MaxTableBytes = 4 * 1024 * 1024;

    /// <summary>A table that parsed cleanly, or the diagnostics that say why not.</summary>
    public sealed record Loaded(string Path, string Text, ILifecycleDefinition? Definition, IReadOnlyList<TableDiagnostic> Diagnostics);

    public static Loaded Load(string path)
    {
        var info = new FileInfo(path);
        if (info.Exists && info.Length > MaxTableBytes)
        {
            var big = new TableDiagnostic(TableRules.MalformedJson, TableSeverity.Error, $"the table file is {info.Length} bytes; tables are limited to {MaxTableBytes} bytes", path, default);
            return new Loaded(path, "", null, [big]);
        }

        var text = File.ReadAllText(path);
        var result = TableParser.Parse(path, text);
        if (result.HasErrors || result.Table is not { } table)
        {
            return new Loaded(path, text, null, result.Diagnostics);
        }

        var definition = new TableDefinition(
            table.Name,
            table.Initial!.Name,
            table.Terminal.Select(t => t.Name).ToArray(),
            table.Error?.Name,
            table.States.Select(s => (s.Name, s.Targets.Select(t => t.Name).Distinct(StringComparer.Ordinal).ToArray())).ToArray());
        return new Loaded(path, text, definition, result.Diagnostics);
    }
}
