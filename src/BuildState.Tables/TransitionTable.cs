namespace BuildState.Tables;

/// <summary>A name in a table (a state, a target, the initial or error state) and where it is written.</summary>
internal sealed class TableName
{
    public TableName(string name, SourceSpan span)
    {
        Name = name;
        Span = span;
    }

    public string Name { get; }

    public SourceSpan Span { get; }

    public override string ToString() => Name;
}

/// <summary>One state of a table with its legal targets, in the order the table lists them.</summary>
internal sealed class TableState
{
    public TableState(string name, SourceSpan span)
    {
        Name = name;
        Span = span;
    }

    public string Name { get; }

    /// <summary>Where the state is declared (its key in <c>transitions</c>, its terminal entry or its enum member).</summary>
    public SourceSpan Span { get; internal set; }

    public bool IsTerminal { get; internal set; }

    /// <summary>True when the state has an entry of its own in <c>transitions</c> (or a <c>[To]</c> on its member).</summary>
    public bool HasTransitions { get; internal set; }

    public List<TableName> Targets { get; } = new List<TableName>();

    public override string ToString() => Name;
}

/// <summary>
/// A lifecycle transition table: from a <c>*.buildstate.json</c> file (<see cref="TableParser"/>) or
/// from an annotated enum (built by the generator). States keep declaration order: the keys of
/// <c>transitions</c>, then the terminal states that have no key of their own.
/// </summary>
internal sealed class TransitionTable
{
    public TransitionTable(string? path)
    {
        Path = path;
    }

    /// <summary>The file the table came from (as given to the parser), or the C# file of the enum.</summary>
    public string? Path { get; }

    /// <summary>Where the whole table is (the JSON object, or the enum identifier).</summary>
    public SourceSpan Span { get; set; }

    public string Name { get; set; } = "";

    public SourceSpan NameSpan { get; set; }

    /// <summary>The namespace of the generated code; empty for the global namespace.</summary>
    public string Namespace { get; set; } = "";

    public SourceSpan NamespaceSpan { get; set; }

    public TableName? Initial { get; set; }

    public TableName? Error { get; set; }

    public List<TableName> Terminal { get; } = new List<TableName>();

    /// <summary>Where the <c>terminal</c> value is (its array's <c>[</c>, or its one string); empty when absent or for the enum form.</summary>
    public SourceSpan TerminalSpan { get; set; }

    public List<TableState> States { get; } = new List<TableState>();

    /// <summary>
    /// True for the SDK's own default lifecycle (BuildState.Core's table, also embedded in the
    /// CLI): the one table that may be named <see cref="CSharpNames.BuiltInLifecycleName"/>.
    /// </summary>
    public bool IsBuiltIn { get; set; }

    /// <summary>True when the table came from an annotated enum rather than a file.</summary>
    public bool FromEnum { get; set; }

    /// <summary>For the enum form: the enum's name (the phase type); else <c>Name + "Phase"</c>.</summary>
    public string PhaseTypeName { get; set; } = "";

    private readonly Dictionary<string, TableState> _index = new Dictionary<string, TableState>(StringComparer.Ordinal);
    private int _indexed;

    /// <summary>The state named <paramref name="name"/> (ordinal), or null.</summary>
    public TableState? FindState(string name)
    {
        if (_indexed > States.Count)
        {
            _index.Clear();
            _indexed = 0;
        }

        for (; _indexed < States.Count; _indexed++)
        {
            var state = States[_indexed];
            if (!_index.ContainsKey(state.Name))
            {
                _index.Add(state.Name, state);
            }
        }

        return _index.TryGetValue(name, out var found) ? found : null;
    }

    /// <summary>True when the table allows <paramref name="from"/> to <paramref name="to"/>.</summary>
    public bool CanTransition(string from, string to)
    {
        var state = FindState(from);
        if (state == null)
        {
            return false;
        }

        foreach (var target in state.Targets)
        {
            if (string.Equals(target.Name, to, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The legal targets of <paramref name="from"/> (distinct, in table order; empty when unknown).</summary>
    public IReadOnlyList<string> AllowedFrom(string from)
    {
        var result = new List<string>();
        var state = FindState(from);
        if (state != null)
        {
            foreach (var target in state.Targets)
            {
                if (!result.Contains(target.Name))
                {
                    result.Add(target.Name);
                }
            }
        }

        return result;
    }

    /// <summary>The full name of the typestate class (<c>Namespace.Name</c>), used to detect duplicates.</summary>
    public string FullName => Namespace.Length == 0 ? Name : Namespace + "." + Name;
}
