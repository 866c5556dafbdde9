using System.CommandLine;
using BuildState.Cli.Rendering;

namespace BuildState.Cli.Commands;

/// <summary><c>history BUILD</c>: every recorded change of a build, oldest first.</summary>
internal static class HistoryCommand
{
    private static readonly Argument<string> Build = new("BUILD") { Description = "A full build id or any unique part of it" };
    private static readonly Option<int?> Last = new("--last", "-n") { Description = "Only the last N records", HelpName = "N" };

    public static Command Create(Runner runner) =>
        runner.Verb("history", "Show a build's history: runs, transitions, artifacts, errors, checkpoints and restores, oldest first.", "buildstate history App.csproj --last 20", Execute, Build, Last);

    private static int Execute(CliContext ctx)
    {
        var id = ctx.ResolveBuild(ctx.Get(Build)!);
        var last = ctx.Get(Last);
        if (last is < 0)
        {
            throw new UsageException("--last must be 0 or more");
        }

        IEnumerable<Store.HistoryEntry> entries = ctx.Store.GetHistory(id);
        if (last is { } n)
        {
            entries = entries.TakeLast(n);
        }

        var list = entries.ToList();
        if (ctx.Json)
        {
            ctx.WriteJson(
                new HistoryJson(id, list.Select(e => new HistoryRecordJson(e.Sequence, e.At, e.Kind, e.RunId, e.From, e.To, e.Message, e.State?.Phase, e.State?.Status))),
                CliJsonContext.Default.HistoryJson);
            return 0;
        }

        var table = Styles.Table("SEQ", "AT", "WHAT", "RUN", "CHANGE", "MESSAGE");
        foreach (var e in list)
        {
            var change = e.From is null && e.To is null ? "" : $"{e.From ?? ""} -> {e.To ?? ""}";
            table.AddRow(e.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture), Styles.E(Units.Time(e.At)), Styles.E(e.Kind), Styles.E(e.RunId), Styles.E(change), Styles.E(e.Message));
        }

        ctx.Console.MarkupLine($"[bold]{Styles.E(id)}[/]: {list.Count} record(s)");
        ctx.Console.Write(table);
        return 0;
    }
}
