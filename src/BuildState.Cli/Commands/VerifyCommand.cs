using System.CommandLine;
using BuildState.Cli.Rendering;
using BuildState.Errors;
using BuildState.Store;

namespace BuildState.Cli.Commands;

/// <summary><c>verify BUILD</c>: the artifact files on disk against their recorded size and SHA-256.</summary>
internal static class VerifyCommand
{
    private static readonly Argument<string> Build = new("BUILD") { Description = "A full build id or any unique part of it" };

    public static Command Create(Runner runner) =>
        runner.Verb("verify", "Check a build's artifact files on disk against their recorded SHA-256. Exit code 4 when any is missing or changed.", "buildstate verify App.csproj", Execute, Build);

    private static int Execute(CliContext ctx)
    {
        var id = ctx.ResolveBuild(ctx.Get(Build)!);
        var record = ctx.Store.Get(id);
        var results = record.Artifacts.Select(a =>
        {
            var full = ctx.Store.ToFullPath(a.Path);
            if (!File.Exists(full))
            {
                return (Artifact: a, Status: "missing", Actual: (string?)null);
            }

            var actual = ArtifactHasher.HashFile(full);
            return (Artifact: a, Status: actual == a.Sha256 ? "ok" : "changed", Actual: actual);
        }).ToList();
        var bad = results.Count(r => r.Status != "ok");
        if (ctx.Json)
        {
            ctx.WriteJson(
                new VerifyJson(id, bad == 0, results.Select(r => new VerifiedArtifactJson(r.Artifact.Path, r.Artifact.Size, r.Artifact.Sha256, r.Status, r.Actual))),
                CliJsonContext.Default.VerifyJson);
            return bad == 0 ? ExitCodes.Success : ExitCodes.ValidationFailed;
        }

        foreach (var r in results)
        {
            var mark = r.Status switch { "ok" => "[green]ok     [/]", "missing" => "[red]missing[/]", _ => "[red]changed[/]" };
            ctx.Console.MarkupLine($"{mark} {Styles.E(r.Artifact.Path)} [grey]{Styles.E(Units.Size(r.Artifact.Size))}[/]");
        }

        ctx.Console.MarkupLine(bad == 0
            ? $"[green]All {results.Count} artifact(s) of {Styles.E(id)} match their SHA-256.[/]"
            : $"[red bold]{bad} of {results.Count} artifact(s) of {Styles.E(id)} are missing or changed[/] ({Styles.E(WhatToDo(record))}).");
        return bad == 0 ? ExitCodes.Success : ExitCodes.ValidationFailed;
    }

    /// <summary>
    /// Only a checkpoint with copies of the files can put them back; automatic checkpoints keep none
    /// unless the build asks for them, so name the newest that can, or say how to get one. A
    /// checkpoint taken before the latest run started holds older files than the run recorded:
    /// restoring it rolls the build back, which the hint says.
    /// </summary>
    private static string WhatToDo(Model.BuildRecord record)
    {
        if (record.Checkpoints.LastOrDefault(c => c.HasArtifactCopies) is not { } withCopies)
        {
            return $"rebuild to bring them back: no checkpoint of this build holds copies of its files (automatic checkpoints keep copies with BuildStateCheckpointArtifacts=true; `buildstate checkpoint \"{record.Id}\"` takes one with copies)";
        }

        var command = $"`buildstate restore \"{record.Id}\" {withCopies.Id} --artifacts`";
        var which = $"{withCopies.Name ?? "unnamed"}, {Units.Time(withCopies.CreatedAt)}";
        return record.Run is { } run && withCopies.CreatedAt < run.StartedAt
            ? $"rebuild to bring them back; {command} would put back the files of the newest checkpoint with copies ({which}), taken before the latest run: older files, a roll-back of the build"
            : $"{command} puts back the files of its newest checkpoint with copies ({which}), or rebuild";
    }
}
