using System.CommandLine;
using BuildState.Cli.Rendering;
using BuildState.Errors;

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

        var listing = ctx.Store.ReadHistory(id);
        IEnumerable<Store.HistoryEntry> entries = listing.Entries;
        if (last is { } n)
        {
            entries = entries.TakeLast(n);
        }

        var list = entries.ToList();
        if (ctx.Json)
        {
            ctx.WriteJson(
                new HistoryJson(
                    id,
                    list.Select(e => new HistoryRecordJson(e.Sequence, e.At, e.Kind, e.RunId, e.From, e.To, e.Message, e.State?.Phase, e.State?.Status)),
                    listing.Gaps.Select(g => new SkippedHistoryJson(g.Offset, g.Length, g.FirstSequence, g.LastSequence, g.Problem, g.InProgress))),
                CliJsonContext.Default.HistoryJson);
            return WarnAboutDamage(ctx, listing);
        }

        var table = Styles.Table("SEQ", "AT", "WHAT", "RUN", "CHANGE", "MESSAGE");
        foreach (var e in list)
        {
            // A record that changed no phase (an update: test counts, artifacts) names the phase it was
            // in, not a transition "Test -> Test" that never happened.
            var change = e.From is null && e.To is null ? ""
                : e.Kind == Store.HistoryKinds.Update && e.From == e.To ? e.To!
                : $"{e.From ?? ""} -> {e.To ?? ""}";
            table.AddRow(e.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture), Styles.E(Units.Time(e.At)), Styles.E(e.Kind), Styles.E(e.RunId), Styles.E(change), Styles.E(e.Message));
        }

        var unreadable = listing.Gaps.Count(g => !g.InProgress);
        var shown = list.Count < listing.Entries.Count ? $"the last {list.Count} of {listing.Entries.Count} record(s)" : $"{list.Count} record(s)";
        ctx.Console.MarkupLine($"[bold]{Styles.E(id)}[/]: {shown}{(unreadable > 0 ? $", [red]{unreadable} part(s) of the log could not be read[/]" : "")}");
        ctx.Console.Write(table);
        foreach (var gap in listing.Gaps)
        {
            ctx.Console.MarkupLine(gap.InProgress
                ? $"[yellow]the last record is cut off[/] at offset {gap.Offset} (an append still being written, or cut off by a crash; `buildstate recover` cuts it): {Styles.E(gap.Problem)}"
                : $"[red]could not read[/] {Styles.E(gap.Sequences)} at offset {gap.Offset} ({gap.Length} bytes): {Styles.E(gap.Problem)}");
        }

        return WarnAboutDamage(ctx, listing);
    }

    /// <summary>
    /// After the listing, one error line on standard error and exit 3 when records were lost to damage:
    /// a listing that silently leaves records out reads as a complete history.
    /// </summary>
    private static int WarnAboutDamage(CliContext ctx, Store.HistoryListing listing)
    {
        var damaged = listing.Gaps.Where(g => !g.InProgress).ToList();
        if (damaged.Count == 0)
        {
            return ExitCodes.Success;
        }

        var where = string.Join("; ", damaged.Select(g => $"{g.Sequences} at offset {g.Offset}: {g.Problem}"));
        CliApp.FlushOutput(ctx.Environment);
        ctx.Error.WriteLine(BuildStateException.Corrupt(
            listing.LogPath,
            $"{damaged.Count} part(s) of the history could not be read and are left out of the listing ({where}); `buildstate recover` sets the damaged bytes aside in damaged/ and repairs the log").ToOneLine());
        return ExitCodes.Corruption;
    }
}
