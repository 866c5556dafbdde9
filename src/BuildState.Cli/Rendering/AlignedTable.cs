using Spectre.Console.Rendering;

namespace BuildState.Cli.Rendering;

/// <summary>One table cell: plain text and its Spectre style (<c>null</c>: none), e.g. <c>("Failed", "red bold")</c>.</summary>
internal readonly record struct TableCell(string Text, string? Style = null)
{
    /// <summary>The same cell as Spectre markup.</summary>
    public string ToMarkup() => Style is null ? Markup.Escape(Text) : $"[{Style}]{Markup.Escape(Text)}[/]";
}

/// <summary>
/// The table of <see cref="Styles.Table"/> (simple border, grey, bold headers), rendered without
/// Spectre's layout engine when that cannot change the result: there are rows, every cell is one
/// line of printable ASCII, the console supports Unicode (the border is a Unicode line) and the
/// table fits the width untouched. Then each column is as wide as its widest cell and the segments
/// are those that Spectre's Table produces, so the output (colours included) is the same, for a
/// fraction of the cost (1,000 rows: Spectre's layout alone took about 90 ms, warm). Anything else
/// is rendered by Spectre's Table.
/// </summary>
internal sealed class AlignedTable(params string[] headers) : IRenderable
{
    private const int CellPadding = 2; // one space either side of a cell

    private readonly List<TableCell[]> _rows = [];

    public int RowCount => _rows.Count;

    public void AddRow(params TableCell[] cells) => _rows.Add(cells);

    public Measurement Measure(RenderOptions options, int maxWidth) => ((IRenderable)ToSpectre()).Measure(options, maxWidth);

    public IEnumerable<Segment> Render(RenderOptions options, int maxWidth)
    {
        var widths = Layout(options, maxWidth);
        return widths is null ? ((IRenderable)ToSpectre()).Render(options, maxWidth) : RenderFast(widths);
    }

    /// <summary>True when <see cref="Render"/> takes the fast path.</summary>
    public bool IsFast(RenderOptions options, int maxWidth) => Layout(options, maxWidth) is not null;

    /// <summary>The equivalent Spectre table (the fallback, and the reference the tests compare with).</summary>
    public Table ToSpectre()
    {
        var table = Styles.Table(headers);
        foreach (var row in _rows)
        {
            table.AddRow(row.Select(c => c.ToMarkup()).ToArray());
        }

        return table;
    }

    /// <summary>The column widths when the fast path gives Spectre's result, else null.</summary>
    private int[]? Layout(RenderOptions options, int maxWidth)
    {
        if (!options.Unicode || _rows.Count == 0)
        {
            return null;
        }

        var widths = new int[headers.Length];
        for (var column = 0; column < headers.Length; column++)
        {
            if (!IsPlain(headers[column]))
            {
                return null;
            }

            widths[column] = headers[column].Length;
        }

        foreach (var row in _rows)
        {
            if (row.Length != headers.Length)
            {
                return null;
            }

            for (var column = 0; column < row.Length; column++)
            {
                var text = row[column].Text;
                if (!IsPlain(text))
                {
                    return null;
                }

                widths[column] = Math.Max(widths[column], text.Length);
            }
        }

        return TotalWidth(widths) <= maxWidth ? widths : null;
    }

    private static int TotalWidth(int[] widths) => widths.Sum() + (widths.Length * CellPadding) + widths.Length + 1;

    /// <summary>Printable ASCII only: one character is one terminal cell and nothing wraps or is replaced.</summary>
    private static bool IsPlain(string text)
    {
        foreach (var c in text)
        {
            if (c is < ' ' or > '~')
            {
                return false;
            }
        }

        return true;
    }

    private IEnumerable<Segment> RenderFast(int[] widths)
    {
        var border = new Style(foreground: Color.Grey);
        var bold = new Style(decoration: Decoration.Bold);
        var styles = new Dictionary<string, Style>(StringComparer.Ordinal);
        var total = TotalWidth(widths);
        var segments = new List<Segment>((_rows.Count + 4) * ((widths.Length * 3) + 2));
        var edge = new Segment(" ", border);

        // Simple border: a blank top edge, a line under the header, a blank bottom edge; spaces between cells.
        segments.Add(new Segment(new string(' ', total), border));
        segments.Add(Segment.LineBreak);
        AddLine(Enumerable.Range(0, widths.Length).Select(i => new Segment(headers[i], bold)).ToArray());
        segments.Add(new Segment(new string('\u2500', total), border));
        segments.Add(Segment.LineBreak);
        foreach (var row in _rows)
        {
            var cells = new Segment[row.Length];
            for (var i = 0; i < row.Length; i++)
            {
                cells[i] = new Segment(row[i].Text, StyleOf(row[i].Style));
            }

            AddLine(cells);
        }

        segments.Add(new Segment(new string(' ', total), border));
        segments.Add(Segment.LineBreak);
        return segments;

        void AddLine(Segment[] cells)
        {
            for (var i = 0; i < cells.Length; i++)
            {
                segments.Add(edge);
                segments.Add(new Segment(" "));
                if (cells[i].Text.Length > 0)
                {
                    segments.Add(cells[i]);
                }

                segments.Add(new Segment(new string(' ', widths[i] - cells[i].Text.Length + 1)));
            }

            segments.Add(edge);
            segments.Add(Segment.LineBreak);
        }

        Style StyleOf(string? name)
        {
            if (name is null)
            {
                return Style.Plain;
            }

            if (!styles.TryGetValue(name, out var style))
            {
                styles[name] = style = Style.Parse(name);
            }

            return style;
        }
    }
}
