using System.CommandLine;
using BuildState.Cli.Rendering;
using BuildState.Model;

namespace BuildState.Cli.Commands;

/// <summary><c>list</c>: builds filtered by phase, status and age; or the archived builds.</summary>
internal static class ListCommand
{
    private static readonly Option<string?> Phase = new("--phase") { Description = "Only builds in this phase", HelpName = "PHASE" };
    private static readonly Option<RunStatus?> Status = new("--status") { Description = "Only builds whose latest run has this status", HelpName = "STATUS" };
    private static readonly Option<string?> Since = new("--since") { Description = "Only builds updated since then: a duration back (2h, 7d) or a date (2024-05-01)", HelpName = "WHEN" };
    private static readonly Option<bool> Archived = new("--archived") { Description = "List the archived builds instead of the active ones" };

    public static Command Create(Runner runner) =>
        runner.Verb("list", "List builds, filtered by phase, status and age, or the archived builds.", "buildstate list --status Failed --since 1d", Execute, Phase, Status, Since, Archived);

    private static int Execute(CliContext ctx)
    {
        var phase = ctx.Get(Phase);
        var status = ctx.Get(Status);
        var since = Units.ParseSince(ctx.Get(Since), ctx.Now, "--since");
        if (ctx.Get(Archived))
        {
            return ListArchived(ctx, phase, status, since);
        }

        var listing = ctx.Store.ListWithUnreadable();
        CheckPhase(ctx, phase, listing.Builds.Select(e => e.Phase));
        var entries = listing.Builds
            .Where(e => phase is null || string.Equals(e.Phase, phase, StringComparison.OrdinalIgnoreCase))
            .Where(e => status is null || e.Status == status)
            .Where(e => since is null || e.UpdatedAt >= since)
            .ToList();
        // Whatever the filters: their phase, status and time are unknown, so they may be among those asked for.
        var unreadable = listing.Unreadable;
        var gone = OwnerGoneRuns.Find(ctx, entries);
        if (ctx.Json)
        {
            ctx.WriteJson(new BuildsJson(entries.Select(e => JsonShapes.Entry(e, gone.Contains(e.Id))).ToList(), UnreadableBuilds.Json(unreadable)), CliJsonContext.Default.BuildsJson);
            return UnreadableBuilds.Warn(ctx, unreadable);
        }

        var table = new AlignedTable("BUILD", "LIFECYCLE", "PHASE", "STATUS", "RUN", "UPDATED");
        var now = ctx.Now;
        foreach (var e in entries)
        {
            table.AddRow(new(e.Id), new(e.Lifecycle), Styles.PhaseCell(e.Phase), gone.Contains(e.Id) ? OwnerGoneRuns.Cell : Styles.StatusCell(e.Status), new(e.RunId ?? ""), new(Units.Relative(e.UpdatedAt, now)));
        }

        foreach (var u in unreadable)
        {
            table.AddRow(new(UnreadableBuilds.Name(u)), new("?"), new("?"), Styles.UnreadableCell, new(""), new("-"));
        }

        if (table.RowCount > 0)
        {
            ctx.Console.Write(table);
        }

        ctx.Console.MarkupLine($"{entries.Count} build(s)");
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

    /// <summary>
    /// A phase no lifecycle of the store has (and no build is in) would only ever list nothing: a
    /// usage error naming the phases there are, instead of a silent "0 build(s)".
    /// </summary>
    private static void CheckPhase(CliContext ctx, string? phase, IEnumerable<string> phasesInUse)
    {
        if (phase is null)
        {
            return;
        }

        var known = ctx.Lifecycles.Tables.Values.SelectMany(t => t.States.Select(s => s.Name)).Concat(phasesInUse)
            .Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal).ToList();
        if (!known.Contains(phase, StringComparer.OrdinalIgnoreCase))
        {
            throw new UsageException($"--phase: '{phase}' is not a phase of any lifecycle in the store; known phases: {string.Join(", ", known)}");
        }
    }

    private static int ListArchived(CliContext ctx, string? phase, RunStatus? status, DateTimeOffset? since)
    {
        var all = ctx.Store.ListArchived();
        CheckPhase(ctx, phase, all.Where(a => a.Problem is null).Select(a => a.Phase));
        var archived = all
            .Where(a => phase is null || string.Equals(a.Phase, phase, StringComparison.OrdinalIgnoreCase))
            .Where(a => status is null || a.Status == status)
            .Where(a => since is null || a.UpdatedAt >= since)
            .ToList();
        if (ctx.Json)
        {
            ctx.WriteJson(
                new ArchivedBuildsJson(archived.Select(a => new ArchivedEntryJson(a.Id, a.Phase, a.Status, a.UpdatedAt, Archived: true, a.Directory, a.Problem))),
                CliJsonContext.Default.ArchivedBuildsJson);
            return 0;
        }

        var table = Styles.Table("BUILD", "PHASE", "STATUS", "UPDATED", "FOLDER");
        foreach (var a in archived)
        {
            table.AddRow(Styles.E(a.Id), Styles.Phase(a.Phase), a.Problem is null ? Styles.Status(a.Status) : $"[red]{Styles.E(a.Problem)}[/]", Styles.E(Units.Relative(a.UpdatedAt, ctx.Now)), Styles.E(Path.GetFileName(a.Directory)));
        }

        if (archived.Count > 0)
        {
            ctx.Console.Write(table);
        }

        ctx.Console.MarkupLine($"{archived.Count} archived build(s)");
        return 0;
    }
}
