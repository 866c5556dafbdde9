using System.CommandLine;
using BuildState.Cli.Rendering;

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
        var created = ctx.Store.CreateCheckpoint(id, ctx.Get(Name), copyArtifacts: !ctx.Get(NoArtifacts));
        if (ctx.Json)
        {
            ctx.WriteJson(new CheckpointCreatedJson(id, JsonShapes.Checkpoint(created)), CliJsonContext.Default.CheckpointCreatedJson);
            return 0;
        }

        ctx.Console.MarkupLine($"Checkpoint [bold]{Styles.E(created.Id)}[/]{(created.Name is null ? "" : $" ({Styles.E(created.Name)})")} of {Styles.E(id)} in phase {Styles.Phase(created.Phase)}{(created.HasArtifactCopies ? ", with artifact copies" : "")}.");
        return 0;
    }
}
