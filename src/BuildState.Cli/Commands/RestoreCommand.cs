using System.CommandLine;
using BuildState.Cli.Rendering;

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
            ctx.WriteJson(new RestoredJson(id, result.CheckpointId, result.Phase, result.Restored, result.Unchanged), CliJsonContext.Default.RestoredJson);
            return 0;
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

        return 0;
    }
}
