namespace BuildState.Tables;

/// <summary>
/// A range of text in a table source (a <c>*.buildstate.json</c> file, or the C# file of an
/// annotated enum): 0-based offset and length, and 1-based line and column of both ends.
/// </summary>
internal readonly struct SourceSpan : IEquatable<SourceSpan>
{
    public SourceSpan(int offset, int length, int line, int column, int endLine, int endColumn)
    {
        Offset = offset;
        Length = length;
        Line = line;
        Column = column;
        EndLine = endLine;
        EndColumn = endColumn;
    }

    /// <summary>0-based offset of the first character (UTF-16 code units).</summary>
    public int Offset { get; }

    /// <summary>Length in UTF-16 code units.</summary>
    public int Length { get; }

    /// <summary>1-based line of the first character.</summary>
    public int Line { get; }

    /// <summary>1-based column of the first character.</summary>
    public int Column { get; }

    /// <summary>1-based line just after the last character.</summary>
    public int EndLine { get; }

    /// <summary>1-based column just after the last character.</summary>
    public int EndColumn { get; }

    /// <summary>True for a span that was never set (no position known).</summary>
    public bool IsEmpty => Line == 0;

    public bool Equals(SourceSpan other) =>
        Offset == other.Offset && Length == other.Length && Line == other.Line &&
        Column == other.Column && EndLine == other.EndLine && EndColumn == other.EndColumn;

    public override bool Equals(object? obj) => obj is SourceSpan other && Equals(other);

    public override int GetHashCode() => unchecked((((Offset * 397) ^ Length) * 397) ^ Line);

    public override string ToString() => "(" + Line + "," + Column + ")";
}

/// <summary>Maps offsets of a text to 1-based lines and columns (same line breaks as Roslyn).</summary>
internal sealed class LineMap
{
    private readonly List<int> _lineStarts = new List<int> { 0 };

    public LineMap(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\r')
            {
                if (i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                _lineStarts.Add(i + 1);
            }
            else if (c == '\n' || c == '\u0085' || c == '\u2028' || c == '\u2029')
            {
                _lineStarts.Add(i + 1);
            }
        }
    }

    public void GetPosition(int offset, out int line, out int column)
    {
        var lo = 0;
        var hi = _lineStarts.Count - 1;
        while (lo < hi)
        {
            var mid = (lo + hi + 1) / 2;
            if (_lineStarts[mid] <= offset)
            {
                lo = mid;
            }
            else
            {
                hi = mid - 1;
            }
        }

        line = lo + 1;
        column = offset - _lineStarts[lo] + 1;
    }

    public SourceSpan Span(int offset, int length)
    {
        GetPosition(offset, out var line, out var column);
        GetPosition(offset + length, out var endLine, out var endColumn);
        return new SourceSpan(offset, length, line, column, endLine, endColumn);
    }
}
