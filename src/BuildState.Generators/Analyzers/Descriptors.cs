using BuildState.Generators.Model;
using BuildState.Tables;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace BuildState.Generators.Analyzers;

/// <summary>The <c>BSTnnnn</c> descriptors, built from the shared <see cref="TableRules"/> catalogue.</summary>
internal static class Descriptors
{
    private const string Category = "BuildState";

    public static readonly DiagnosticDescriptor MalformedJson = Create(TableRules.MalformedJson);
    public static readonly DiagnosticDescriptor UnknownState = Create(TableRules.UnknownState);
    public static readonly DiagnosticDescriptor DuplicateTransition = Create(TableRules.DuplicateTransition);
    public static readonly DiagnosticDescriptor InitialState = Create(TableRules.InitialState);
    public static readonly DiagnosticDescriptor UnreachableState = Create(TableRules.UnreachableState);
    public static readonly DiagnosticDescriptor DeadEndState = Create(TableRules.DeadEndState);
    public static readonly DiagnosticDescriptor TerminalWithTransitions = Create(TableRules.TerminalWithTransitions);
    public static readonly DiagnosticDescriptor InvalidIdentifier = Create(TableRules.InvalidIdentifier);
    public static readonly DiagnosticDescriptor DuplicateTable = Create(TableRules.DuplicateTable);
    public static readonly DiagnosticDescriptor IllegalTransition = Create(TableRules.IllegalTransition);
    public static readonly DiagnosticDescriptor InvalidStructure = Create(TableRules.InvalidStructure);
    public static readonly DiagnosticDescriptor NameCollision = Create(TableRules.NameCollision);

    public static DiagnosticDescriptor ForId(string id)
    {
        switch (id)
        {
            case TableRules.MalformedJson: return MalformedJson;
            case TableRules.UnknownState: return UnknownState;
            case TableRules.DuplicateTransition: return DuplicateTransition;
            case TableRules.InitialState: return InitialState;
            case TableRules.UnreachableState: return UnreachableState;
            case TableRules.DeadEndState: return DeadEndState;
            case TableRules.TerminalWithTransitions: return TerminalWithTransitions;
            case TableRules.InvalidIdentifier: return InvalidIdentifier;
            case TableRules.DuplicateTable: return DuplicateTable;
            case TableRules.IllegalTransition: return IllegalTransition;
            case TableRules.NameCollision: return NameCollision;
            default: return InvalidStructure;
        }
    }

    private static DiagnosticDescriptor Create(string id, params string[] tags) =>
        new DiagnosticDescriptor(
            id,
            TableRules.Title(id),
            "{0}",
            Category,
            DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            description: null,
            helpLinkUri: TableRules.HelpLink(id),
            customTags: tags);

    /// <summary>The Roslyn diagnostic the generator reports for a table diagnostic.</summary>
    public static Diagnostic ToDiagnostic(DiagnosticInfo diagnostic) => ToDiagnostic(diagnostic, compilation: null);

    /// <summary>
    /// As <see cref="ToDiagnostic(DiagnosticInfo)"/>, at a location in the compilation's syntax tree
    /// of the diagnostic's file when it has one (an annotated enum's C# file): only such a location
    /// is subject to the file's <c>#pragma warning disable</c>.
    /// </summary>
    public static Diagnostic ToDiagnostic(DiagnosticInfo diagnostic, Compilation? compilation) =>
        Diagnostic.Create(
            ForId(diagnostic.Id),
            InTree(diagnostic.Location, compilation) ?? ToLocation(diagnostic.Location),
            diagnostic.IsError ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
            additionalLocations: null,
            properties: null,
            diagnostic.Message);

    private static Location? InTree(LocationInfo? location, Compilation? compilation)
    {
        if (location == null || compilation == null)
        {
            return null;
        }

        foreach (var tree in compilation.SyntaxTrees)
        {
            if (tree.FilePath == location.Path)
            {
                var span = new TextSpan(Math.Max(location.Offset, 0), Math.Max(location.Length, 0));
                return span.End <= tree.Length ? Location.Create(tree, span) : null;
            }
        }

        return null;
    }

    /// <summary>
    /// A file location, printed by the compiler as <c>file(line,col)</c>: table files are no syntax
    /// trees (an enum's C# file is found in the compilation instead, see <see cref="InTree"/>; this
    /// is its fallback when the file is not one of the compilation's trees).
    /// </summary>
    private static Location ToLocation(LocationInfo? location)
    {
        if (location == null)
        {
            return Location.None;
        }

        var start = new LinePosition(Math.Max(location.Line - 1, 0), Math.Max(location.Column - 1, 0));
        var end = new LinePosition(Math.Max(location.EndLine - 1, 0), Math.Max(location.EndColumn - 1, 0));
        return Location.Create(
            location.Path,
            new TextSpan(Math.Max(location.Offset, 0), Math.Max(location.Length, 0)),
            new LinePositionSpan(start, end < start ? start : end));
    }
}
