using System.CommandLine;
using BuildState.Cli.Rendering;
using BuildState.Errors;

namespace BuildState.Cli.Commands;

/// <summary><c>restore BUILD CHECKPOINT</c>: puts a build back to a checkpoint, and with --artifacts its files too (verified by SHA-256).</summary>
internal static class RestoreCommand
{
    private static readonly Argument<string> Build = new("BUILD") { Description = "A full build id or any unique part of it" };
    private static readonly Argument<string> Checkpoint = new("CHECKPOINT") { Description = "A checkpoint id, name, or unique part of its id" };
    private static readonly Option<bool> Artifacts = new("--artifacts") { Description = "Also write the artifact files back from the checkpoint's copies and verify their SHA-256" };

    public static Command Create(Runner runner) =>
        runner.Verb("restore", "Restore a build to a checkpoint; --artifacts also puts back deleted or altered artifact files.", "buildstate restore App.csproj before-release --artifacts", Execute, Build, Checkpoint, Artifacts);

    private static int Execute(CliContext ctx)
    {
        var id = ctx.ResolveBuild(ctx.Get(Build)!);
        var result = ctx.Store.RestoreCheckpoint(id, ctx.Get(Checkpoint)!, ctx.Get(Artifacts));
        if (ctx.Json)
        {
            ctx.WriteJson(new RestoredJson(id, result.CheckpointId, result.Phase, result.Restored, result.Unchanged, result.Kept, result.Dropped, result.NotRestored.Select(n => new NotRestoredJson(n.Path, n.Blob)).ToList()), CliJsonContext.Default.RestoredJson);
            return result.NotRestored.Count == 0 ? ExitCodes.Success : ExitCodes.ValidationFailed;
        }

        ctx.Console.MarkupLine($"Restored {Styles.E(id)} to checkpoint [bold]{Styles.E(result.CheckpointId)}[/] (phase {Styles.Phase(result.Phase)}).");
        foreach (var path in result.Restored)
        {
            ctx.Console.MarkupLine($"  [green]restored[/]  {Styles.E(path)} [grey](SHA-256 verified)[/]");
        }

        foreach (var path in result.Unchanged)
        {
            ctx.Console.MarkupLine($"  [grey]unchanged[/] {Styles.E(path)}");
        }

        foreach (var path in result.Kept)
        {
            ctx.Console.MarkupLine($"  [grey]kept[/]      {Styles.E(path)} [grey](recorded after the checkpoint by the same run, on disk unchanged)[/]");
        }

        foreach (var path in result.Dropped)
        {
            ctx.Console.MarkupLine($"  [yellow]dropped[/]   {Styles.E(path)} [grey](recorded after the checkpoint, not in it; its record is no longer in the state)[/]");
        }

        foreach (var outside in result.NotRestored)
        {
            ctx.Console.MarkupLine($"  [red]not restored[/] {Styles.E(outside.Path)} [grey](outside the repository, which restore never writes: copy it from {Styles.E(outside.Blob)})[/]");
        }

        if (result.NotRestored.Count > 0)
        {
            ctx.Console.MarkupLine($"[red bold]{result.NotRestored.Count} artifact file(s) outside the repository were not restored.[/]");
            return ExitCodes.ValidationFailed;
        }

        return ExitCodes.Success;
    }
}
