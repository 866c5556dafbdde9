using BuildState.Cli.Rendering;
using BuildState.Model;
using Spectre.Console;

namespace BuildState.Cli.Commands;

/// <summary><c>status</c>: every build's phase and status, from the index; builds that cannot be read are listed as such.</summary>
internal static class StatusCommand
{
    public static System.CommandLine.Command Create(Runner runner) =>
        runner.Verb("status", "Show every build's current phase and the status of its latest run (answers from the index). A build that cannot be read is listed as unreadable (exit code 3, or 6 for permission).", "buildstate status --json", Execute);

    private static int Execute(CliContext ctx)
    {
        var listing = ctx.Store.ListWithUnreadable();
        var entries = listing.Builds;
        var unreadable = listing.Unreadable;
        var gone = OwnerGoneRuns.Find(ctx, entries);
        if (ctx.Json)
        {
            ctx.WriteJson(new StatusJson(ctx.StoreRoot, entries.Select(e => JsonShapes.Entry(e, gone.Contains(e.Id))).ToList(), UnreadableBuilds.Json(unreadable)), CliJsonContext.Default.StatusJson);
            return UnreadableBuilds.Warn(ctx, unreadable);
        }

        if (entries.Count == 0 && unreadable.Count == 0)
        {
            ctx.Console.MarkupLine($"No builds in {Styles.E(ctx.StoreRoot)} yet.");
            return 0;
        }

        var table = new AlignedTable("BUILD", "PHASE", "STATUS", "RUN", "UPDATED");
        var now = ctx.Now;
        foreach (var e in entries)
        {
            table.AddRow(new(e.Id), Styles.PhaseCell(e.Phase), gone.Contains(e.Id) ? OwnerGoneRuns.Cell : Styles.StatusCell(e.Status), new(e.RunId ?? ""), new(Units.Relative(e.UpdatedAt, now)));
        }

        foreach (var u in unreadable)
        {
            table.AddRow(new(UnreadableBuilds.Name(u)), new("?"), Styles.UnreadableCell, new(""), new("-"));
        }

        ctx.Console.Write(table);
        // A cut-off build is counted as what its row says, not among the running ones.
        var counts = Enum.GetValues<RunStatus>()
            .Select(s => (Status: s.ToString().ToLowerInvariant(), Count: entries.Count(e => e.Status == s && !gone.Contains(e.Id))))
            .Append((Status: "running (cut off)", Count: gone.Count))
            .Append((Status: "unreadable", Count: unreadable.Count))
            .Where(c => c.Count > 0)
            .Select(c => $"{c.Count} {c.Status}");
        ctx.Console.MarkupLine($"{entries.Count + unreadable.Count} build(s): {string.Join(", ", counts)}");
        if (gone.Count > 0)
        {
            ctx.Console.MarkupLine(OwnerGoneRuns.Summary(gone.Count));
        }

        if (unreadable.Count > 0)
        {
            ctx.Console.MarkupLine(UnreadableBuilds.Summary(unreadable.Count));
        }

        return UnreadableBuilds.Warn(ctx, unreadable);
    }
}
