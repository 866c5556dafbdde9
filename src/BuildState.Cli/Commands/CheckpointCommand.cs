using System.CommandLine;
using BuildState.Cli.Rendering;
using BuildState.Store;

namespace BuildState.Cli.Commands;

/// <summary><c>checkpoint BUILD</c>: takes a checkpoint (with copies of the artifact files unless --no-artifacts).</summary>
internal static class CheckpointCommand
{
    private static readonly Argument<string> Build = new("BUILD") { Description = "A full build id or any unique part of it" };
    private static readonly Option<string?> Name = new("--name") { Description = "A name to restore it by", HelpName = "NAME" };
    private static readonly Option<bool> NoArtifacts = new("--no-artifacts") { Description = "Record the artifact manifest only, without copies of the files (restore --artifacts then cannot bring files back)" };

    public static Command Create(Runner runner) =>
        runner.Verb("checkpoint", "Take a checkpoint of a build: its state, the artifact manifest and copies of the artifact files.", "buildstate checkpoint App.csproj --name before-release", Execute, Build, Name, NoArtifacts);

    private static int Execute(CliContext ctx)
    {
        var id = ctx.ResolveBuild(ctx.Get(Build)!);
        var created = ctx.Store.CreateCheckpoint(id, ctx.Get(Name), copyArtifacts: !ctx.Get(NoArtifacts), automatic: false, out var drift);
        if (ctx.Json)
        {
            ctx.WriteJson(new CheckpointCreatedJson(id, JsonShapes.Checkpoint(created), drift.Changed, drift.Missing), CliJsonContext.Default.CheckpointCreatedJson);
            return 0;
        }

        ctx.Console.MarkupLine($"Checkpoint [bold]{Styles.E(created.Id)}[/]{(created.Name is null ? "" : $" ({Styles.E(created.Name)})")} of {Styles.E(id)} in phase {Styles.Phase(created.Phase)}{(created.HasArtifactCopies ? ", with artifact copies" : "")}.");
        WriteDrift(ctx, id, drift);
        return 0;
    }

    /// <summary>
    /// A checkpoint holds the files as they are now: say so where they are not what the build
    /// recorded, so that a file changed by hand (or by mistake) is not taken in without a word.
    /// </summary>
    private static void WriteDrift(CliContext ctx, string id, ArtifactDrift drift)
    {
        if (drift.Changed.Count > 0)
        {
            ctx.Console.MarkupLine($"[yellow]Note:[/] {drift.Changed.Count} artifact(s) changed since the build recorded them; the checkpoint holds them as they are now:");
            WritePaths(ctx, drift.Changed);
        }

        if (drift.Missing.Count > 0)
        {
            ctx.Console.MarkupLine($"[yellow]Note:[/] {drift.Missing.Count} artifact(s) are missing; the checkpoint lists them as the build recorded them, without a file:");
            WritePaths(ctx, drift.Missing);
        }

        if (drift.Any)
        {
            ctx.Console.MarkupLine($"`buildstate verify \"{Styles.E(id)}\"` compares the files with what the build recorded.");
        }
    }

    private static void WritePaths(CliContext ctx, IReadOnlyList<string> paths)
    {
        foreach (var path in paths)
        {
            ctx.Console.MarkupLine($"  {Styles.E(path)}");
        }
    }
}
