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
        var advice = bad == 0 ? null : ctx.Store.AdviseArtifactRestore(id, results.Where(r => r.Status != "ok").Select(r => r.Artifact).ToList());
        if (ctx.Json)
        {
            ctx.WriteJson(
                new VerifyJson(id, bad == 0, results.Select(r => new VerifiedArtifactJson(r.Artifact.Path, r.Artifact.Size, r.Artifact.Sha256, r.Status, r.Actual)), advice is null ? null : RestoreJson(record, advice)),
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
            : $"[red bold]{bad} of {results.Count} artifact(s) of {Styles.E(id)} are missing or changed[/] ({Styles.E(WhatToDo(record, advice!))}).");
        return bad == 0 ? ExitCodes.Success : ExitCodes.ValidationFailed;
    }

    /// <summary>
    /// Only a checkpoint with copies of the files can put them back, and only the files it holds
    /// (the SDK's automatic <c>built</c> is taken before Pack and Publish: it never holds packages
    /// or published files), inside the repository. So the advice names the checkpoint that holds
    /// them (<see cref="BuildStore.AdviseArtifactRestore"/>) and what it puts back, and says what
    /// brings back the rest: a rebuild, pack or publish, or for a file outside the repository a
    /// copy by hand from its blob. A checkpoint taken before the latest run started rolls the
    /// build's state back to an earlier run, which the hint says.
    /// </summary>
    private static string WhatToDo(Model.BuildRecord record, ArtifactRestoreAdvice advice)
    {
        if (!advice.AnyCheckpointHasCopies)
        {
            return $"rebuild to bring them back: no checkpoint of this build holds copies of its files (automatic checkpoints keep copies with BuildStateCheckpointArtifacts=true; `buildstate checkpoint \"{record.Id}\"` takes one with copies)";
        }

        var parts = new List<string>();
        if (advice.Checkpoint is { } checkpoint)
        {
            var command = $"`buildstate restore \"{record.Id}\" {checkpoint.Id} --artifacts`";
            var which = $"{checkpoint.Name ?? "unnamed"}, {Units.Time(checkpoint.CreatedAt)}";
            var what = advice.NotHeld.Count == 0 && advice.OutsideWithCopies.Count == 0 ? "these files" : $"{advice.Restorable.Count} of them ({Listed(advice.Restorable)})";
            parts.Add(RollsBack(record, advice)
                ? $"rebuild to bring them back; {command} would put back {what} from the newest checkpoint with copies that holds them ({which}), taken before the latest run: a roll-back of the build"
                : $"{command} puts back {what} from the newest checkpoint with copies that holds them ({which}), or rebuild");
        }

        if (advice.NotHeld.Count > 0)
        {
            parts.Add(advice.Checkpoint is null
                ? $"rebuild, or pack or publish again, to bring them back: no checkpoint with copies holds them ({advice.NotHeld.Count}: {Listed(advice.NotHeld)})"
                : $"no checkpoint restore puts back the other {advice.NotHeld.Count} ({Listed(advice.NotHeld)}): rebuild, or pack or publish again, to bring those back");
        }

        if (advice.OutsideWithCopies.Count > 0)
        {
            parts.Add($"{advice.OutsideWithCopies.Count} outside the repository, which restore never writes, can be copied back by hand: {string.Join(", ", advice.OutsideWithCopies.Take(3).Select(o => $"{o.Path} from {o.Blob}"))}{(advice.OutsideWithCopies.Count > 3 ? ", ..." : "")}");
        }

        return string.Join("; ", parts);
    }

    private static VerifyRestoreJson RestoreJson(Model.BuildRecord record, ArtifactRestoreAdvice advice) => new(
        advice.Checkpoint?.Id,
        RollsBack(record, advice),
        advice.AnyCheckpointHasCopies,
        advice.Restorable,
        advice.NotHeld,
        advice.OutsideWithCopies.Select(o => new OutsideCopyJson(o.Path, o.Blob)));

    /// <summary>The suggested checkpoint was taken before the latest run started: restoring it rolls the build back.</summary>
    private static bool RollsBack(Model.BuildRecord record, ArtifactRestoreAdvice advice) =>
        advice.Checkpoint is { } checkpoint && record.Run is { } run && checkpoint.CreatedAt < run.StartedAt;

    /// <summary>The first few paths, then how many more.</summary>
    private static string Listed(List<string> paths) =>
        string.Join(", ", paths.Take(3)) + (paths.Count > 3 ? $" and {paths.Count - 3} more" : "");
}
