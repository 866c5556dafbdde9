using BuildState.Cli.Rendering;
using BuildState.Model;
using Spectre.Console;

namespace BuildState.Cli.Commands;

/// <summary><c>status</c>: every build's phase and status, from the index.</summary>
internal static class StatusCommand
{
    public static System.CommandLine.Command Create(Runner runner) =>
        runner.Verb("status", "Show every build's current phase and the status of its latest run (answers from the index).", "buildstate status --json", Execute);

    private static int Execute(CliContext ctx)
    {
        var entries = ctx.Store.List();
        if (ctx.Json)
        {
            ctx.WriteJson(new StatusJson(ctx.StoreRoot, entries.Select(JsonShapes.Entry).ToList()), CliJsonContext.Default.StatusJson);
            return 0;
        }

        if (entries.Count == 0)
        {
            ctx.Console.MarkupLine($"No builds in {Styles.E(ctx.StoreRoot)} yet.");
            return 0;
        }

        var table = new AlignedTable("BUILD", "PHASE", "STATUS", "RUN", "UPDATED");
        var now = ctx.Now;
        foreach (var e in entries)
        {
            table.AddRow(new(e.Id), Styles.PhaseCell(e.Phase), Styles.StatusCell(e.Status), new(e.RunId ?? ""), new(Units.Relative(e.UpdatedAt, now)));
        }

        ctx.Console.Write(table);
        var counts = Enum.GetValues<RunStatus>()
            .Select(s => (Status: s, Count: entries.Count(e => e.Status == s)))
            .Where(c => c.Count > 0)
            .Select(c => $"{c.Count} {c.Status.ToString().ToLowerInvariant()}");
        ctx.Console.MarkupLine($"{entries.Count} build(s): {string.Join(", ", counts)}");
        return 0;
    }
}
