using System.CommandLine;
using System.Diagnostics;
using BuildState.Cli.Rendering;
using BuildState.Errors;
using BuildState.Store;

namespace BuildState.Cli.Commands;

/// <summary><c>validate</c>: checks the whole store (and its lifecycle tables) and lists every problem with its file.</summary>
internal static class ValidateCommand
{
    private static readonly Option<bool> Artifacts = new("--artifacts") { Description = "Also hash every artifact on disk against its record" };
    private static readonly Option<string?> Build = new("--build") { Description = "Only this build (a full id or unique part)", HelpName = "BUILD" };

    public static Command Create(Runner runner) =>
        runner.Verb(
            "validate",
            "Validate the whole store: file structure and schema, phases and transitions against each build's lifecycle, history checksums, index, checkpoints, dependencies (and artifacts with --artifacts). Exit code 0 when valid; 3 when any problem is corruption; 6 when a file cannot be read (permission, symbolic link); 8 when a file was written by a newer BuildState; else 4.",
            "buildstate validate --artifacts",
            Execute,
            Artifacts,
            Build);

    private static int Execute(CliContext ctx)
    {
        var buildPart = ctx.Get(Build);
        var buildId = buildPart is null ? null : ctx.ResolveBuild(buildPart);
        var watch = Stopwatch.StartNew();
        var report = new StoreValidator(ctx.Store).Validate(new ValidationOptions { CheckArtifacts = ctx.Get(Artifacts), BuildId = buildId });
        watch.Stop();
        var problems = report.Problems.Select(p => (Kind: p.Kind, File: p.File, Message: p.Message, BuildId: p.BuildId)).ToList();
        var storeProblems = problems.Count;
        foreach (var table in ctx.Lifecycles.Problems.Where(p => !p.IsWarning))
        {
            problems.Add((StoreErrorKind.Validation, table.File, table.ToString(), null));
        }

        // Table warnings (an unknown property) are shown, in file order with the errors, but are not
        // problems; so are records written under an earlier version of their table.
        var warnings = ctx.Lifecycles.Problems.Where(p => p.IsWarning).Select(w => (w.File, Text: w.ToString()))
            .Concat(report.Warnings.Select(w => (w.File, Text: w.Message))).ToList();

        var seconds = Math.Max(watch.Elapsed.TotalSeconds, 1e-6);
        var code = ExitCodeFor(problems.Select(p => p.Kind).ToList());
        if (ctx.Json)
        {
            ctx.WriteJson(
                new ValidateJson(
                    problems.Count == 0,
                    report.BuildsChecked,
                    report.FilesChecked,
                    report.BytesChecked,
                    watch.Elapsed.TotalMilliseconds,
                    report.FilesChecked / seconds,
                    report.BytesChecked / seconds,
                    problems.Select(p => new ProblemJson(p.Kind, p.File, p.Message, p.BuildId)),
                    warnings.Select(w => new WarningJson(w.File, w.Text)),
                    code),
                CliJsonContext.Default.ValidateJson);
            return code;
        }

        foreach (var p in problems.Take(storeProblems))
        {
            ctx.Console.MarkupLine($"[red]{Styles.E(p.Kind.ToString())}[/] {Styles.E(p.File)}: {Styles.E(p.Message)}");
        }

        // A table's errors and warnings together, in file order (LifecycleSet keeps that order).
        foreach (var t in ctx.Lifecycles.Problems)
        {
            ctx.Console.MarkupLine(t.IsWarning
                ? $"[yellow]Warning[/] {Styles.E(t.File)}: {Styles.E(t.ToString())}"
                : $"[red]{Styles.E(StoreErrorKind.Validation.ToString())}[/] {Styles.E(t.File)}: {Styles.E(t.ToString())}");
        }

        foreach (var w in report.Warnings)
        {
            ctx.Console.MarkupLine($"[yellow]Warning[/] {Styles.E(w.File)}: {Styles.E(w.Message)}");
        }

        var throughput = $"{report.BuildsChecked} build(s), {report.FilesChecked} file(s), {Units.Size(report.BytesChecked)} in {Units.Duration(watch.Elapsed)} ({report.FilesChecked / seconds:0} files/s, {Units.Size((long)(report.BytesChecked / seconds))}/s)";
        ctx.Console.MarkupLine(problems.Count == 0
            ? $"[green]Valid[/]{(warnings.Count > 0 ? $" ({warnings.Count} warning(s))" : "")}: {Styles.E(throughput)}."
            : $"[red bold]{problems.Count} problem(s)[/]: {Styles.E(throughput)}.");
        return code;
    }

    /// <summary>0 valid; 3 any corruption; 6 any unreadable file; 8 any file of a newer schema; 5 no store; else 4.</summary>
    internal static int ExitCodeFor(IReadOnlyCollection<StoreErrorKind> kinds) =>
        kinds.Count == 0 ? ExitCodes.Success
        : kinds.Contains(StoreErrorKind.Corruption) ? ExitCodes.Corruption
        : kinds.Contains(StoreErrorKind.PermissionDenied) ? ExitCodes.PermissionDenied
        : kinds.Contains(StoreErrorKind.NewerSchema) ? ExitCodes.NewerSchema
        : kinds.All(k => k == StoreErrorKind.NotFound) ? ExitCodes.NotFound
        : ExitCodes.ValidationFailed;
}
