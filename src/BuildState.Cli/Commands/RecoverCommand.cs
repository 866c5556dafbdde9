using System.CommandLine;
using BuildState.Cli.Rendering;
using BuildState.Errors;

namespace BuildState.Cli.Commands;

/// <summary><c>recover [BUILD]</c>: repairs what crashes leave, from history and backups.</summary>
internal static class RecoverCommand
{
    private static readonly Argument<string?> Build = new("BUILD") { Description = "Only this build (a full id or unique part); every build when left out", Arity = ArgumentArity.ZeroOrOne };

    public static Command Create(Runner runner) =>
        runner.Verb("recover", "Repair the store after a crash: rebuild corrupt states from history or backups, cut torn history tails, mark runs of dead processes Interrupted, remove temp files, rebuild the index; a checkpoint that cannot be restored is dropped and its file and artifact copies kept in damaged/. Exit code 3 when something was lost or could not be recovered.", "buildstate recover", Execute, Build);

    private static int Execute(CliContext ctx)
    {
        var part = ctx.Get(Build);
        var id = part is null ? null : ctx.ResolveBuild(part);
        var report = ctx.Store.Recover(id);
        // Lost data (moved aside, or gone) is exit 3 even though the store is valid again; files left as
        // they are (no permission, a newer schema) give their own code: recover cannot fix them.
        var code = report.ExitCode;
        if (ctx.Json)
        {
            ctx.WriteJson(
                new RecoverJson(report.Repaired, report.Interrupted, report.Unrecoverable, report.Lost, report.TempFilesRemoved, report.IndexRebuilt, report.Skipped, code),
                CliJsonContext.Default.RecoverJson);
            return code;
        }

        foreach (var line in report.Repaired)
        {
            ctx.Console.MarkupLine($"[green]repaired[/]      {Styles.E(line)}");
        }

        foreach (var line in report.Interrupted)
        {
            ctx.Console.MarkupLine($"[yellow]interrupted[/]   {Styles.E(line)}");
        }

        foreach (var line in report.Lost)
        {
            ctx.Console.MarkupLine($"[red]lost[/]          {Styles.E(line)}");
        }

        foreach (var line in report.Unrecoverable)
        {
            ctx.Console.MarkupLine($"[red]unrecoverable[/] {Styles.E(line)}");
        }

        foreach (var line in report.Skipped)
        {
            ctx.Console.MarkupLine($"[yellow]left as is[/]    {Styles.E(line)}");
        }

        ctx.Console.MarkupLine($"{report.Repaired.Count} repair(s), {report.Interrupted.Count} run(s) marked interrupted, {report.Lost.Count} lost, {report.Unrecoverable.Count} unrecoverable, {report.Skipped.Count} left as is, {report.TempFilesRemoved} temp file(s) removed{(report.IndexRebuilt ? ", index rebuilt" : "")}.");
        return code;
    }
}
