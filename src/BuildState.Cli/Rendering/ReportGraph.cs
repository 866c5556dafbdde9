using System.Globalization;
using System.Text;
using BuildState.Model;

namespace BuildState.Cli.Rendering;

/// <summary>The project dependency graph as inline SVG: layers by dependency depth (dependencies left), nodes coloured by status.</summary>
internal static class ReportGraph
{
    private const int NodeWidth = 210, NodeHeight = 44, ColumnGap = 80, RowGap = 18, Margin = 16;

    public static string Svg(IReadOnlyList<BuildRecord> builds)
    {
        var byId = builds.ToDictionary(b => b.Id, StringComparer.Ordinal);
        var ids = builds.Select(b => b.Id).Concat(builds.SelectMany(b => b.Dependencies)).Distinct(StringComparer.Ordinal).ToList();
        if (ids.Count == 0)
        {
            return "<p class=\"empty\">No builds.</p>\n";
        }

        var depth = new Dictionary<string, int>(StringComparer.Ordinal);
        int Depth(string id, HashSet<string> seen)
        {
            if (depth.TryGetValue(id, out var d))
            {
                return d;
            }

            if (!seen.Add(id))
            {
                return 0; // a cycle: break it
            }

            var deps = byId.TryGetValue(id, out var b) ? b.Dependencies : [];
            d = deps.Count == 0 ? 0 : deps.Max(x => Depth(x, seen)) + 1;
            seen.Remove(id);
            return depth[id] = d;
        }

        foreach (var id in ids)
        {
            Depth(id, new HashSet<string>(StringComparer.Ordinal));
        }

        var columns = ids.GroupBy(id => depth[id]).OrderBy(g => g.Key).Select(g => g.OrderBy(x => x, StringComparer.Ordinal).ToList()).ToList();
        var position = new Dictionary<string, (double X, double Y)>(StringComparer.Ordinal);
        for (var c = 0; c < columns.Count; c++)
        {
            for (var r = 0; r < columns[c].Count; r++)
            {
                position[columns[c][r]] = (Margin + c * (NodeWidth + ColumnGap), Margin + r * (NodeHeight + RowGap));
            }
        }

        var width = Margin * 2 + columns.Count * NodeWidth + (columns.Count - 1) * ColumnGap;
        var height = Margin * 2 + columns.Max(c => c.Count) * (NodeHeight + RowGap) - RowGap;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<svg class=\"graph\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-label=\"project dependency graph\">");
        sb.Append("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#8a94a6\"/></marker></defs>");
        foreach (var b in builds)
        {
            foreach (var dep in b.Dependencies)
            {
                var (x1, y1) = position[b.Id];
                var (x2, y2) = position[dep];
                var sx = x1;
                var sy = y1 + NodeHeight / 2.0;
                var ex = x2 + NodeWidth;
                var ey = y2 + NodeHeight / 2.0;
                var mid = (sx + ex) / 2;
                sb.Append(CultureInfo.InvariantCulture, $"<path class=\"edge\" data-from=\"{ReportHtml.H(b.Id)}\" data-to=\"{ReportHtml.H(dep)}\" d=\"M{sx:0.#},{sy:0.#} C{mid:0.#},{sy:0.#} {mid:0.#},{ey:0.#} {ex + 2:0.#},{ey:0.#}\" marker-end=\"url(#arrow)\"/>");
            }
        }

        foreach (var id in ids)
        {
            var (x, y) = position[id];
            var status = byId.TryGetValue(id, out var b) ? b.Status.ToString().ToLowerInvariant() : "unknown";
            var phase = b?.Phase ?? "not in the store";
            sb.Append(CultureInfo.InvariantCulture, $"<g class=\"node {status}\" data-build=\"{ReportHtml.H(id)}\"><title>{ReportHtml.H(id)}: {ReportHtml.H(phase)}</title>");
            sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x}\" y=\"{y}\" width=\"{NodeWidth}\" height=\"{NodeHeight}\" rx=\"8\"/>");
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + 12}\" y=\"{y + 19}\" class=\"label\">{ReportHtml.H(Fit(ReportHtml.ShortName(id), 24))}</text>");
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + 12}\" y=\"{y + 35}\" class=\"small\">{ReportHtml.H(Fit(ReportHtml.Config(id), 20))} · {ReportHtml.H(b is null ? "?" : b.Status.ToString())}</text></g>");
        }

        return sb.Append("</svg>\n").ToString();
    }

    private static string Fit(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
