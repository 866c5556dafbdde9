using System.CommandLine;
using BuildState.Cli.Rendering;
using BuildState.Errors;

namespace BuildState.Cli.Commands;

/// <summary>
/// <c>migrate</c>: upgrades every store file to the current schema version (the old files are kept
/// in backups/), and reports the files a newer BuildState wrote and the state files too damaged to
/// read, which it leaves as they are.
/// </summary>
internal static class MigrateCommand
{
    public static Command Create(Runner runner) =>
        runner.Verb("migrate", "Upgrade store files written by an older version to the current schema (originals are kept under backups/). Files written by a newer BuildState are reported and left as they are (exit code 8: upgrade the tool); so are damaged state files (exit code 3: run recover, then migrate again).", "buildstate migrate", Execute);

    private static int Execute(CliContext ctx)
    {
        var report = ctx.Store.MigrateStore();
        // A newer tool first: the damaged files' repair is its to make, too.
        var problems = report.Newer.Count > 0 ? report.Newer : report.Damaged;
        var code = problems.Count > 0 ? problems[0].ExitCode : ExitCodes.Success;
        if (ctx.Json)
        {
            ctx.WriteJson(
                new MigratedJson(report.Migrated, report.Newer.Select(e => new LeftFileJson(e.FilePath!, e.Message)), report.Damaged.Select(e => new LeftFileJson(e.FilePath!, e.Message)), code),
                CliJsonContext.Default.MigratedJson);
            return Finish(ctx, problems, report.Newer.Count > 0 ? null : RecoverFirst);
        }

        foreach (var file in report.Migrated)
        {
            ctx.Console.MarkupLine($"migrated {Styles.E(file)}");
        }

        foreach (var newer in report.Newer)
        {
            ctx.Console.MarkupLine($"[yellow]left as is[/] {Styles.E(newer.FilePath ?? "")}: {Styles.E(newer.Message)}");
        }

        foreach (var damaged in report.Damaged)
        {
            ctx.Console.MarkupLine($"[red]damaged, left as is[/] {Styles.E(damaged.FilePath ?? "")}: {Styles.E(damaged.Message)}");
        }

        ctx.Console.MarkupLine(report.Migrated.Count == 0 && report.Newer.Count == 0 && report.Damaged.Count == 0
            ? "Every file is at the current schema version."
            : $"{report.Migrated.Count} file(s) migrated, {report.Newer.Count} file(s) of a newer schema left as they are"
                + (report.Damaged.Count > 0 ? $", {report.Damaged.Count} damaged state file(s) left as they are." : "."));
        return Finish(ctx, problems, report.Newer.Count > 0 ? null : RecoverFirst);
    }

    private const string RecoverFirst = "; `buildstate recover` repairs it from its history and backups, then run `buildstate migrate` again";

    /// <summary>
    /// One error line on standard error for what was left: files of a newer schema (the store needs
    /// a newer tool, which no migration here can replace), else damaged state files, with
    /// <paramref name="advice"/> unless their message gives it already.
    /// </summary>
    private static int Finish(CliContext ctx, IReadOnlyList<BuildStateException> left, string? advice)
    {
        if (left.Count == 0)
        {
            return ExitCodes.Success;
        }

        CliApp.FlushOutput(ctx.Environment);
        var first = left[0];
        var more = left.Count > 1 ? $" (and {left.Count - 1} more file(s))" : "";
        var then = advice is not null && !first.Message.Contains("`buildstate recover`", StringComparison.Ordinal) ? advice : "";
        var message = then.Length > 0 ? first.Message.TrimEnd('.') : first.Message; // a parser's sentence, then the advice
        ctx.Error.WriteLine(new BuildStateException(first.Kind, message + more + then, first.FilePath).ToOneLine());
        return first.ExitCode;
    }
}
