using BuildState.Lifecycle;
using BuildState.Tables;

namespace BuildState.Cli;

/// <summary>
/// The lifecycle tables a store carries: the default one (embedded) and every
/// <c>&lt;store&gt;/lifecycles/&lt;Name&gt;.buildstate.json</c> the SDK copied there, parsed with the
/// shared parser. A bad table is a problem with file(line,col), never a crash.
/// </summary>
internal sealed class LifecycleSet
{
    private const long MaxTableBytes = 1024 * 1024;

    public LifecycleRegistry Registry { get; } = new();

    /// <summary>Parsed tables by name (the default one included).</summary>
    public Dictionary<string, TransitionTable> Tables { get; } = new(StringComparer.Ordinal);

    /// <summary>Problems, each "file(line,col): error BSTnnnn: message" (warnings too, marked <see cref="TableProblem.IsWarning"/>), in file order.</summary>
    public List<TableProblem> Problems { get; } = [];

    public static LifecycleSet Load(string storeRoot)
    {
        var set = new LifecycleSet();
        var defaultTable = ParseDefault();
        set.Tables[defaultTable.Name] = defaultTable;
        var dir = Path.Combine(storeRoot, "lifecycles");
        if (!Directory.Exists(dir))
        {
            return set;
        }

        foreach (var file in Directory.EnumerateFiles(dir, "*" + TableParser.FileSuffix).Order(StringComparer.Ordinal))
        {
            set.LoadFile(file);
        }

        return set;
    }

    /// <summary>Parses one table file; returns the table when it is valid, and every diagnostic (warnings too) in file order.</summary>
    public static (TransitionTable? Table, List<TableProblem> Problems) ParseFile(string file)
    {
        var problems = new List<TableProblem>();
        try
        {
            var info = new FileInfo(file);
            if (info.LinkTarget is not null)
            {
                problems.Add(new TableProblem(file, "the table file is a symbolic link; it is not followed"));
                return (null, problems);
            }

            if (info.Length > MaxTableBytes)
            {
                problems.Add(new TableProblem(file, $"the table file is larger than {MaxTableBytes} bytes"));
                return (null, problems);
            }

            var result = TableParser.Parse(file, File.ReadAllText(file));
            problems.AddRange(result.InFileOrder.Select(d => new TableProblem(file, d.Message, d.ToString(), !d.IsError)));
            return (result.IsValid ? result.Table : null, problems);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problems.Add(new TableProblem(file, $"cannot read the table: {e.Message}"));
            return (null, problems);
        }
    }

    private void LoadFile(string file)
    {
        var (table, problems) = ParseFile(file);
        Problems.AddRange(problems);
        if (table is null)
        {
            return;
        }

        Tables[table.Name] = table;
        if (table.Name != "Default")
        {
            Registry.Register(ToDefinition(table));
        }
    }

    public static TableDefinition ToDefinition(TransitionTable table) => new(
        table.Name,
        table.Initial?.Name ?? "",
        table.Terminal.Select(t => t.Name).ToList(),
        table.Error?.Name,
        table.States.Select(s => (s.Name, s.Targets.Select(t => t.Name).Distinct(StringComparer.Ordinal).ToArray())).ToList());

    public static TransitionTable ParseDefault()
    {
        using var stream = typeof(LifecycleSet).Assembly.GetManifestResourceStream("Default.buildstate.json")
            ?? throw new InvalidOperationException("the default lifecycle table is not embedded");
        using var reader = new StreamReader(stream);
        var result = TableParser.Parse("Default.buildstate.json", reader.ReadToEnd(), builtIn: true);
        return result.Table ?? throw new InvalidOperationException("the embedded default lifecycle table does not parse");
    }
}

/// <summary>A problem with a lifecycle table file; a warning (an unknown property) does not make the table unusable.</summary>
internal sealed record TableProblem(string File, string Message, string? Canonical = null, bool IsWarning = false)
{
    public override string ToString() => Canonical ?? $"{File}: {Message}";
}
