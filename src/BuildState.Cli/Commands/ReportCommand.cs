using System.CommandLine;
using BuildState.Cli.Rendering;

namespace BuildState.Cli.Commands;

/// <summary><c>report</c>: one self-contained HTML file: the last runs as timelines, failures, artifacts, the dependency graph.</summary>
internal static class ReportCommand
{
    private const string DefaultFileName = "buildstate-report.html";

    private static readonly Option<string?> Output = new("--output", "-o") { Description = "The HTML file to write, or a folder to write buildstate-report.html in (default: buildstate-report.html beside the store)", HelpName = "FILE" };
    private static readonly Option<int> Runs = new("--runs") { Description = "How many of the latest runs to show", HelpName = "N", DefaultValueFactory = _ => 10 };

    public static Command Create(Runner runner) =>
        runner.Verb("report", "Write one self-contained HTML report (no network): a timeline of the last runs, one row per build with its phases on a time axis, failures with their messages, artifact counts, durations, and the project dependency graph.", "buildstate report -o report.html --runs 5", Execute, Output, Runs);

    private static int Execute(CliContext ctx)
    {
        var runs = ctx.Get(Runs);
        if (runs < 1)
        {
            throw new UsageException("--runs must be 1 or more");
        }

        var output = ctx.Get(Output) is { } given
            ? Path.GetFullPath(given, ctx.Environment.CurrentDirectory)
            : Path.Combine(Path.GetDirectoryName(ctx.StoreRoot) ?? ctx.Environment.CurrentDirectory, DefaultFileName);
        if (Directory.Exists(output))
        {
            // As cp does with a folder: the report goes inside it, under its default name.
            output = Path.Combine(output, DefaultFileName);
        }

        var model = ReportModel.Build(ctx.Store, runs, ctx.Now);
        // Bytes as written (UTF-8): the size --json reports is the file's, not a count of characters.
        var html = System.Text.Encoding.UTF8.GetBytes(ReportHtml.Render(model));
        try
        {
            File.WriteAllBytes(output, html);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Errors.BuildStateException.FromIo(e, output, "write the report", storeFile: false);
        }

        if (ctx.Json)
        {
            ctx.WriteJson(new ReportJson(output, model.Builds.Count, model.Runs.Select(r => r.RunId), html.Length, UnreadableBuilds.Json(model.Unreadable)), CliJsonContext.Default.ReportJson);
            return UnreadableBuilds.Warn(ctx, model.Unreadable);
        }

        ctx.Console.MarkupLine($"Wrote {Styles.E(output)} [grey]({model.Builds.Count} build(s), {model.Runs.Count} run(s), {Styles.E(Units.Size(html.Length))})[/]");
        if (model.Unreadable.Count > 0)
        {
            ctx.Console.MarkupLine(UnreadableBuilds.Summary(model.Unreadable.Count) + " [grey](listed in the report)[/]");
        }

        return UnreadableBuilds.Warn(ctx, model.Unreadable);
    }
}
