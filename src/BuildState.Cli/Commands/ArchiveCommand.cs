using System.CommandLine;
using BuildState.Cli.Rendering;

namespace BuildState.Cli.Commands;

/// <summary><c>archive</c>: moves builds out of active/ (one build, or every build older than an age).</summary>
internal static class ArchiveCommand
{
    private static readonly Argument<string?> Build = new("BUILD") { Description = "The build to archive (a full id or unique part)", Arity = ArgumentArity.ZeroOrOne };
    private static readonly Option<string?> OlderThan = new("--older-than") { Description = "Archive every build not updated for this long (7d, 12h)", HelpName = "AGE" };

    public static Command Create(Runner runner) =>
        runner.Verb("archive", "Archive one build, or every build not updated for --older-than (running builds are left alone). Active builds that depend on an archived one are named in a note.", "buildstate archive --older-than 30d", Execute, Build, OlderThan);

    private static int Execute(CliContext ctx)
    {
        var part = ctx.Get(Build);
        var age = Units.ParseDuration(ctx.Get(OlderThan), "--older-than");
        if ((part is null) == (age is null))
        {
            throw new UsageException("give either BUILD or --older-than AGE");
        }

        IReadOnlyList<string> archived;
        if (part is not null)
        {
            var id = ctx.ResolveBuild(part);
            ctx.Store.Archive(id);
            archived = [id];
        }
        else
        {
            archived = ctx.Store.ArchiveOlderThan(age!.Value);
        }

        // Builds still active that depend on what went: a note, not an error (an archived dependency
        // is still in the store, and validate does not count it as missing), so the exit code stays 0.
        var dependents = ctx.Store.ActiveDependentsOf(archived);
        if (ctx.Json)
        {
            ctx.WriteJson(new ArchivedJson(archived, dependents.Select(d => new DependentJson(d.Id, d.DependsOn))), CliJsonContext.Default.ArchivedJson);
            return 0;
        }

        foreach (var archivedId in archived)
        {
            ctx.Console.MarkupLine($"archived {Styles.E(archivedId)}");
        }

        foreach (var dependent in dependents)
        {
            ctx.Console.MarkupLine($"[yellow]note[/]     {Styles.E(dependent.Id)} depends on {Styles.E(string.Join(", ", dependent.DependsOn))}, now archived");
        }

        ctx.Console.MarkupLine($"{archived.Count} build(s) archived.");
        return 0;
    }
}
