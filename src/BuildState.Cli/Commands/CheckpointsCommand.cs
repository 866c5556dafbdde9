using System.CommandLine;
using BuildState.Cli.Rendering;

namespace BuildState.Cli.Commands;

/// <summary><c>checkpoints BUILD</c>: the checkpoints kept for a build.</summary>
internal static class CheckpointsCommand
{
    private static readonly Argument<string> Build = new("BUILD") { Description = "A full build id or any unique part of it" };

    public static Command Create(Runner runner) =>
        runner.Verb("checkpoints", "List a build's checkpoints, oldest first.", "buildstate checkpoints App.csproj --json", Execute, Build);

    private static int Execute(CliContext ctx)
    {
        var id = ctx.ResolveBuild(ctx.Get(Build)!);
        var record = ctx.Store.Get(id);
        var files = ctx.Store.GetCheckpoints(id).ToDictionary(f => f.Id, StringComparer.Ordinal);
        if (ctx.Json)
        {
            ctx.WriteJson(
                new CheckpointsJson(id, record.Checkpoints.Select(c => new CheckpointDetailJson(
                    c.Id,
                    c.Phase,
                    c.CreatedAt,
                    c.Name,
                    c.HasArtifactCopies,
                    c.Automatic,
                    Readable: files.ContainsKey(c.Id),
                    files.TryGetValue(c.Id, out var f) ? f.Artifacts.Select(JsonShapes.Artifact) : []))),
                CliJsonContext.Default.CheckpointsJson);
            return 0;
        }

        if (record.Checkpoints.Count == 0)
        {
            ctx.Console.MarkupLine($"[bold]{Styles.E(id)}[/] has no checkpoints.");
            return 0;
        }

        var table = Styles.Table("CHECKPOINT", "NAME", "PHASE", "CREATED", "ARTIFACTS", "COPIES");
        foreach (var c in record.Checkpoints)
        {
            var artifacts = files.TryGetValue(c.Id, out var file)
                ? $"{file.Artifacts.Count} ({Units.Size(file.Artifacts.Sum(a => a.Size))})"
                : "unreadable";
            table.AddRow(Styles.E(c.Id), Styles.E(c.Name ?? (c.Automatic ? "(automatic)" : "-")), Styles.Phase(c.Phase), Styles.E($"{Units.Time(c.CreatedAt)} ({Units.Relative(c.CreatedAt, ctx.Now)})"), file is null ? "[red]unreadable[/]" : Styles.E(artifacts), c.HasArtifactCopies ? "[green]yes[/]" : "no");
        }

        ctx.Console.MarkupLine($"[bold]{Styles.E(id)}[/]: {record.Checkpoints.Count} checkpoint(s)");
        ctx.Console.Write(table);
        return 0;
    }
}
