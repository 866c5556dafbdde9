namespace BuildState.Tables;

/// <summary>The outcome of parsing a table: the table (null when the file is not a usable table) and every problem found.</summary>
internal sealed class TableParseResult
{
    public TableParseResult(TransitionTable? table, IReadOnlyList<TableDiagnostic> diagnostics)
    {
        Table = table;
        Diagnostics = diagnostics;
    }

    /// <summary>The table as read, even when it failed validation (null only when its shape could not be read).</summary>
    public TransitionTable? Table { get; }

    public IReadOnlyList<TableDiagnostic> Diagnostics { get; }

    public bool HasErrors
    {
        get
        {
            foreach (var d in Diagnostics)
            {
                if (d.IsError)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>
    /// The diagnostics in file order (line, then column; those without a position first), as a
    /// reader of the file expects them; <see cref="Diagnostics"/> keeps the order the rules ran in.
    /// </summary>
    public IReadOnlyList<TableDiagnostic> InFileOrder =>
        Diagnostics.OrderBy(d => d.Line).ThenBy(d => d.Column).ToList(); // OrderBy is stable: diagnostics at one place keep the order the rules ran in

    /// <summary>True when the table can be used (generated, enforced): it was read and has no error.</summary>
    public bool IsValid => Table != null && !HasErrors;
}

/// <summary>
/// Reads a <c>*.buildstate.json</c> transition table and validates it (<see cref="TableValidator"/>).
/// Never throws for bad input: every problem becomes a <see cref="TableDiagnostic"/> with the
/// 1-based line and column in the file.
/// </summary>
internal static class TableParser
{
    /// <summary>The file name suffix that marks a table file.</summary>
    public const string FileSuffix = ".buildstate.json";

    private static readonly string[] KnownProperties =
    {
        "$schema", "name", "namespace", "initial", "terminal", "error", "transitions", "description",
    };

    public static bool IsTableFile(string path) => path.EndsWith(FileSuffix, StringComparison.OrdinalIgnoreCase);

    /// <param name="path">The file, for diagnostics.</param>
    /// <param name="text">The file's text.</param>
    /// <param name="builtIn">True only for the SDK's own default lifecycle table (see <see cref="TransitionTable.IsBuiltIn"/>).</param>
    public static TableParseResult Parse(string? path, string text, bool builtIn = false)
    {
        var diagnostics = new List<TableDiagnostic>();
        var map = new LineMap(text ?? "");
        text ??= "";
        JsonNode root;
        try
        {
            root = JsonReader.Parse(text);
        }
        catch (JsonSyntaxException ex)
        {
            var offset = Math.Min(Math.Max(ex.Offset, 0), text.Length);
            diagnostics.Add(new TableDiagnostic(
                TableRules.MalformedJson, TableSeverity.Error, "Malformed JSON: " + ex.Message + ". Correct the file at this position: a table is one JSON object (see docs/lifecycle-tables.md).", path,
                map.Span(offset, offset < text.Length ? 1 : 0)));
            return new TableParseResult(null, diagnostics);
        }

        var reader = new Reader(path, map, diagnostics);
        var table = reader.Read(root);
        if (table != null)
        {
            table.IsBuiltIn = builtIn;
            TableValidator.Validate(table, diagnostics);
        }

        return new TableParseResult(table, diagnostics);
    }

    private sealed class Reader
    {
        private readonly string? _path;
        private readonly LineMap _map;
        private readonly List<TableDiagnostic> _diagnostics;

        public Reader(string? path, LineMap map, List<TableDiagnostic> diagnostics)
        {
            _path = path;
            _map = map;
            _diagnostics = diagnostics;
        }

        public TransitionTable? Read(JsonNode root)
        {
            if (root is not JsonObject obj)
            {
                Structure(root, "The table must be a JSON object: { \"name\": ..., \"initial\": ..., \"terminal\": [...], \"transitions\": {...} }.");
                return null;
            }

            var table = new TransitionTable(_path) { Span = _map.Span(obj.Offset, 1) };
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var ok = true;
            JsonObject? transitions = null;
            foreach (var property in obj.Properties)
            {
                var nameSpan = _map.Span(property.NameOffset, property.NameLength);
                if (!seen.Add(property.Name))
                {
                    Add(TableRules.InvalidStructure, TableSeverity.Error, "Property '" + property.Name + "' appears more than once; keep one of them.", nameSpan);
                    ok = false;
                    continue;
                }

                if (Array.IndexOf(KnownProperties, property.Name) < 0)
                {
                    Add(TableRules.InvalidStructure, TableSeverity.Warning,
                        "Unknown property '" + property.Name + "' is ignored (expected one of: name, namespace, initial, terminal, error, transitions).", nameSpan);
                    continue;
                }

                switch (property.Name)
                {
                    case "name":
                        if (String(property, out var name, out var span))
                        {
                            table.Name = name;
                            table.NameSpan = span;
                        }
                        else
                        {
                            ok = false;
                        }

                        break;
                    case "namespace":
                        if (String(property, out var ns, out var nsSpan))
                        {
                            table.Namespace = ns;
                            table.NamespaceSpan = nsSpan;
                        }
                        else
                        {
                            ok = false;
                        }

                        break;
                    case "initial":
                        if (String(property, out var initial, out var initialSpan))
                        {
                            table.Initial = new TableName(initial, initialSpan);
                        }
                        else
                        {
                            ok = false;
                        }

                        break;
                    case "error":
                        if (property.Value.Kind == JsonKind.Null)
                        {
                            break;
                        }

                        if (String(property, out var error, out var errorSpan))
                        {
                            table.Error = new TableName(error, errorSpan);
                        }
                        else
                        {
                            ok = false;
                        }

                        break;
                    case "terminal":
                        table.TerminalSpan = Span(property.Value);
                        if (property.Value is JsonScalar { Kind: JsonKind.String } single)
                        {
                            table.Terminal.Add(new TableName(single.Value, Span(single)));
                        }
                        else if (!StringArray(property.Value, "'terminal'", table.Terminal))
                        {
                            ok = false;
                        }

                        break;
                    case "transitions":
                        if (property.Value is JsonObject t)
                        {
                            transitions = t;
                        }
                        else
                        {
                            Structure(property.Value, "'transitions' must be an object mapping each state to an array of target states.");
                            ok = false;
                        }

                        break;
                }
            }

            if (!seen.Contains("name"))
            {
                Add(TableRules.InvalidStructure, TableSeverity.Error, "The table has no 'name' (the name of the generated types, for example \"Release\").", table.Span);
                ok = false;
            }

            if (!seen.Contains("transitions"))
            {
                Add(TableRules.InvalidStructure, TableSeverity.Error, "The table has no 'transitions' object: add \"transitions\": { \"<state>\": [\"<next state>\", ...] } with every state as a key.", table.Span);
                ok = false;
            }

            if (!seen.Contains("terminal"))
            {
                Add(TableRules.InvalidStructure, TableSeverity.Error, "The table has no 'terminal' state (a run must be able to end): add \"terminal\": [\"<the state a run ends in>\"].", table.Span);
                ok = false;
            }

            if (transitions != null)
            {
                foreach (var entry in transitions.Properties)
                {
                    var keySpan = _map.Span(entry.NameOffset, entry.NameLength);
                    if (table.FindState(entry.Name) is { } existing)
                    {
                        Add(TableRules.DuplicateTransition, TableSeverity.Error,
                            "State '" + entry.Name + "' has its transitions declared more than once (first at line " + existing.Span.Line + "); merge them into one entry.", keySpan);
                        continue;
                    }

                    var state = new TableState(entry.Name, keySpan) { HasTransitions = true };
                    table.States.Add(state);
                    if (!StringArray(entry.Value, "the targets of '" + entry.Name + "'", state.Targets))
                    {
                        ok = false;
                    }
                }
            }

            // Terminal states need no key of their own: they are declared by being listed.
            foreach (var terminal in table.Terminal)
            {
                var state = table.FindState(terminal.Name);
                if (state == null)
                {
                    state = new TableState(terminal.Name, terminal.Span);
                    table.States.Add(state);
                }

                state.IsTerminal = true;
            }

            table.PhaseTypeName = table.Name + "Phase";
            return ok ? table : null;
        }

        private bool String(JsonProperty property, out string value, out SourceSpan span)
        {
            if (property.Value is JsonScalar { Kind: JsonKind.String } s)
            {
                value = s.Value;
                span = Span(s);
                return true;
            }

            Structure(property.Value, "'" + property.Name + "' must be a string.");
            value = "";
            span = default;
            return false;
        }

        private bool StringArray(JsonNode node, string what, List<TableName> into)
        {
            if (node is not JsonArray array)
            {
                Structure(node, what + " must be an array of state names.");
                return false;
            }

            var ok = true;
            foreach (var item in array.Items)
            {
                if (item is JsonScalar { Kind: JsonKind.String } s)
                {
                    into.Add(new TableName(s.Value, Span(s)));
                }
                else
                {
                    Structure(item, what + " must contain only strings (state names).");
                    ok = false;
                }
            }

            return ok;
        }

        private SourceSpan Span(JsonNode node) =>
            _map.Span(node.Offset, node.Kind == JsonKind.Object || node.Kind == JsonKind.Array ? 1 : node.Length);

        private void Structure(JsonNode node, string message) =>
            Add(TableRules.InvalidStructure, TableSeverity.Error, message, _map.Span(node.Offset, node.Kind == JsonKind.Object || node.Kind == JsonKind.Array ? 1 : node.Length));

        private void Add(string id, TableSeverity severity, string message, SourceSpan span) =>
            _diagnostics.Add(new TableDiagnostic(id, severity, message, _path, span));
    }
}
