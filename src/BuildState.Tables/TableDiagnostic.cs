namespace BuildState.Tables;

internal enum TableSeverity
{
    Warning,
    Error,
}

/// <summary>A problem found in a table, with a stable <c>BSTnnnn</c> id and its position.</summary>
internal sealed class TableDiagnostic
{
    public TableDiagnostic(string id, TableSeverity severity, string message, string? path, SourceSpan span)
    {
        Id = id;
        Severity = severity;
        Message = message;
        Path = path;
        Span = span;
    }

    public string Id { get; }

    public TableSeverity Severity { get; }

    public string Message { get; }

    public string? Path { get; }

    public SourceSpan Span { get; }

    /// <summary>1-based line (0 when unknown).</summary>
    public int Line => Span.Line;

    /// <summary>1-based column (0 when unknown).</summary>
    public int Column => Span.Column;

    public bool IsError => Severity == TableSeverity.Error;

    /// <summary>The help page of the id (<c>docs/diagnostics.md#bst0002</c>).</summary>
    public string HelpLink => TableRules.HelpLink(Id);

    /// <summary>MSBuild/compiler canonical form: <c>file(line,col): error BST0002: message</c>.</summary>
    public override string ToString() =>
        (Path ?? "") + (Span.IsEmpty ? "" : "(" + Line + "," + Column + ")") + ": " +
        (IsError ? "error " : "warning ") + Id + ": " + Message;
}

/// <summary>The rule catalogue: ids, titles and help links shared by the analyzer and the MSBuild tasks.</summary>
internal static class TableRules
{
    public const string HelpLinkBase = "https://github.com/buildstatesdk/buildstatesdk/blob/main/docs/diagnostics.md#";

    public const string MalformedJson = "BST0001";
    public const string UnknownState = "BST0002";
    public const string DuplicateTransition = "BST0003";
    public const string InitialState = "BST0004";
    public const string UnreachableState = "BST0005";
    public const string DeadEndState = "BST0006";
    public const string TerminalWithTransitions = "BST0007";
    public const string InvalidIdentifier = "BST0008";
    public const string DuplicateTable = "BST0009";
    public const string IllegalTransition = "BST0010";
    public const string InvalidStructure = "BST0011";
    public const string NameCollision = "BST0012";

    public static readonly IReadOnlyList<string> AllIds = new[]
    {
        MalformedJson, UnknownState, DuplicateTransition, InitialState, UnreachableState, DeadEndState,
        TerminalWithTransitions, InvalidIdentifier, DuplicateTable, IllegalTransition, InvalidStructure, NameCollision,
    };

    public static string HelpLink(string id) => HelpLinkBase + id.ToLowerInvariant();

    public static string Title(string id)
    {
        switch (id)
        {
            case MalformedJson: return "Malformed transition table file";
            case UnknownState: return "Unknown state";
            case DuplicateTransition: return "Duplicate transition";
            case InitialState: return "Missing or unknown initial state";
            case UnreachableState: return "Unreachable state";
            case DeadEndState: return "Non-terminal state with no way out";
            case TerminalWithTransitions: return "Terminal state with transitions out";
            case InvalidIdentifier: return "Name is not a valid C# identifier";
            case DuplicateTable: return "Two tables generate the same types";
            case IllegalTransition: return "Transition not allowed by the table";
            case InvalidStructure: return "Invalid transition table structure";
            case NameCollision: return "Name collides with a generated name";
            default: return id;
        }
    }

    /// <summary>Default severity: everything is an error except unknown properties (forward compatibility).</summary>
    public static TableSeverity DefaultSeverity(string id) => TableSeverity.Error;
}
