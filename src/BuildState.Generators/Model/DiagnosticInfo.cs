using BuildState.Tables;

namespace BuildState.Generators.Model;

/// <summary>
/// Where a table diagnostic points, as plain data: the file (a table file, or the C# file of an
/// annotated enum) and the span in it. A Roslyn <c>Location</c> is not value-equal and holds its
/// syntax tree, so cached models carry this instead.
/// </summary>
/// <param name="Path">The file's path, as the compiler was given it.</param>
/// <param name="Offset">0-based offset of the first character.</param>
/// <param name="Length">Length in characters.</param>
/// <param name="Line">1-based line of the first character.</param>
/// <param name="Column">1-based column of the first character.</param>
/// <param name="EndLine">1-based line just after the last character.</param>
/// <param name="EndColumn">1-based column just after the last character.</param>
internal sealed record LocationInfo(string Path, int Offset, int Length, int Line, int Column, int EndLine, int EndColumn)
{
    /// <summary>The span in <paramref name="path"/> (a span never set is the file's start); null without a path.</summary>
    public static LocationInfo? Create(string? path, SourceSpan span)
    {
        if (path == null || path.Length == 0)
        {
            return null;
        }

        return span.IsEmpty
            ? new LocationInfo(path, 0, 0, 1, 1, 1, 1)
            : new LocationInfo(path, span.Offset, span.Length, span.Line, span.Column, span.EndLine, span.EndColumn);
    }
}

/// <summary>A table diagnostic (<c>BSTnnnn</c>) the generator reports, as plain data.</summary>
internal sealed record DiagnosticInfo(string Id, bool IsError, string Message, LocationInfo? Location)
{
    /// <summary>The diagnostic at its own span, else at <paramref name="fallback"/> (an enum's diagnostics without a span of their own point at the enum).</summary>
    public static DiagnosticInfo Create(TableDiagnostic diagnostic, SourceSpan fallback = default) =>
        new DiagnosticInfo(diagnostic.Id, diagnostic.IsError, diagnostic.Message, LocationInfo.Create(diagnostic.Path, diagnostic.Span.IsEmpty ? fallback : diagnostic.Span));
}
