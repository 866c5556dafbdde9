using System.CommandLine;
using BuildState.Cli.Rendering;
using BuildState.Errors;

namespace BuildState.Cli.Commands;

/// <summary>
/// <c>migrate</c>: upgrades every store file to the current schema version (the old files are kept
/// in backups/), and reports the files a newer BuildState wrote, which it leaves as they are.
/// </summary>
internal static class MigrateCommand
{
    public static Command Create(Runner runner) =>
        runner.Verb("migrate", "Upgrade store files written by an older version to the current schema (originals are kept under backups/). Files written by a newer BuildState are reported and left as they are (exit code 8: upgrade the tool).", "buildstate migrate", Execute);

    private static int Execute(CliContext ctx)
    {
        var report = ctx.Store.MigrateStore();
        var code = report.Newer.Count > 0 ? ExitCodes.NewerSchema : ExitCodes.Success;
        if (ctx.Json)
        {
            ctx.WriteJson(new MigratedJson(report.Migrated, report.Newer.Select(e => new NewerFileJson(e.FilePath!, e.Message)), code), CliJsonContext.Default.MigratedJson);
            return Finish(ctx, report.Newer);
        }

        foreach (var file in report.Migrated)
        {
            ctx.Console.MarkupLine($"migrated {Styles.E(file)}");
        }

        foreach (var newer in report.Newer)
        {
            ctx.Console.MarkupLine($"[yellow]left as is[/] {Styles.E(newer.FilePath ?? "")}: {Styles.E(newer.Message)}");
        }

        ctx.Console.MarkupLine(report.Migrated.Count == 0 && report.Newer.Count == 0
            ? "Every file is at the current schema version."
            : $"{report.Migrated.Count} file(s) migrated, {report.Newer.Count} file(s) of a newer schema left as they are.");
        return Finish(ctx, report.Newer);
    }

    /// <summary>One error line on standard error when files of a newer schema were found: the store needs a newer tool, which no migration here can replace.</summary>
    private static int Finish(CliContext ctx, IReadOnlyList<BuildStateException> newer)
    {
        if (newer.Count == 0)
        {
            return ExitCodes.Success;
        }

        CliApp.FlushOutput(ctx.Environment);
        var first = newer[0];
        var more = newer.Count > 1 ? $" (and {newer.Count - 1} more file(s))" : "";
        ctx.Error.WriteLine(new BuildStateException(first.Kind, first.Message + more, first.FilePath).ToOneLine());
        return ExitCodes.NewerSchema;
    }
}
