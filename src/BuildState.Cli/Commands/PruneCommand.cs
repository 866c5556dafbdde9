using System.CommandLine;
using BuildState.Cli.Rendering;

namespace BuildState.Cli.Commands;

/// <summary><c>prune</c>: deletes archived builds by age and/or count (active builds are never pruned).</summary>
internal static class PruneCommand
{
    private static readonly Option<string?> OlderThan = new("--older-than") { Description = "Delete archived builds not updated for this long (30d)", HelpName = "AGE" };
    private static readonly Option<int?> KeepLast = new("--keep-last") { Description = "Keep only the newest N archived copies of each build", HelpName = "N" };

    public static Command Create(Runner runner) =>
        runner.Verb("prune", "Delete archived builds older than --older-than and/or beyond the newest --keep-last copies of each build.", "buildstate prune --older-than 90d --keep-last 3", Execute, OlderThan, KeepLast);

    private static int Execute(CliContext ctx)
    {
        var age = Units.ParseDuration(ctx.Get(OlderThan), "--older-than");
        var keep = ctx.Get(KeepLast);
        if (age is null && keep is null)
        {
            throw new UsageException("give --older-than AGE, --keep-last N, or both");
        }

        if (keep is < 0)
        {
            throw new UsageException("--keep-last must be 0 or more");
        }

        var pruned = ctx.Store.Prune(age, keep);
        if (ctx.Json)
        {
            ctx.WriteJson(new PrunedJson(pruned.Select(p => new PrunedBuildJson(p.Id, p.Directory, p.UpdatedAt))), CliJsonContext.Default.PrunedJson);
            return 0;
        }

        foreach (var p in pruned)
        {
            ctx.Console.MarkupLine($"deleted {Styles.E(p.Id)} [grey]({Styles.E(Path.GetFileName(p.Directory))}, {Styles.E(Units.Relative(p.UpdatedAt, ctx.Now))})[/]");
        }

        ctx.Console.MarkupLine($"{pruned.Count} archived build(s) deleted.");
        return 0;
    }
}
