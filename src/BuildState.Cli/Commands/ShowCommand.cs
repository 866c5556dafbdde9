using System.CommandLine;
using BuildState.Cli.Rendering;
using BuildState.Model;
using Spectre.Console;

namespace BuildState.Cli.Commands;

/// <summary><c>show BUILD</c>: one build in full.</summary>
internal static class ShowCommand
{
    private static readonly Argument<string> Build = new("BUILD") { Description = "A full build id or any unique part of it" };

    public static Command Create(Runner runner) =>
        runner.Verb("show", "Show one build: phase, run, transitions, artifacts, checkpoints, errors, dependencies.", "buildstate show App.csproj --json", Execute, Build);

    private static int Execute(CliContext ctx)
    {
        var id = ctx.ResolveBuild(ctx.Get(Build)!);
        var r = ctx.Store.GetWithAllTransitions(id);
        if (ctx.Json)
        {
            ctx.WriteJson(JsonShapes.Build(r), CliJsonContext.Default.BuildJson);
            return 0;
        }

        var c = ctx.Console;
        c.MarkupLine($"[bold]{Styles.E(r.Id)}[/]");
        var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        grid.AddRow("Phase", $"{Styles.Phase(r.Phase)} [grey](lifecycle {Styles.E(r.Lifecycle)})[/]");
        // The stored status until something sweeps it (the next build, `recover`): say when the run
        // is in fact cut off, as watch and validate do.
        var ownerGone = RunFollower.OwnerGone(r);
        grid.AddRow("Status", ownerGone
            ? $"{Styles.Status(r.Status)} [yellow](its owner process {r.Run!.Owner!.ProcessId} is gone: cut off; `buildstate recover` marks it Interrupted)[/]"
            : Styles.Status(r.Status));
        if (r.Run is { } run)
        {
            var took = run.EndedAt is { } end ? Units.Duration(end - run.StartedAt) : $"{Units.Duration(ctx.Now - run.StartedAt)} so far";
            grid.AddRow("Run", $"{Styles.E(run.RunId)} [grey]started {Styles.E(Units.Time(run.StartedAt))} ({Styles.E(Units.Relative(run.StartedAt, ctx.Now))}), {Styles.E(took)}[/]");
            if (run.Reason is not null)
            {
                grid.AddRow("Reason", Styles.E(run.Reason));
            }

            if (run.Instances is > 1 and var instances)
            {
                var ended = run.EndedAt is null ? $", {run.InstancesEnded ?? 0} ended their part" : "";
                grid.AddRow("Writers", $"{instances}{ended} [grey](recorded together in one invocation: MSBuild instances of this build under other global properties)[/]");
            }
        }

        grid.AddRow("Updated", $"{Styles.E(Units.Time(r.UpdatedAt))} [grey]({Styles.E(Units.Relative(r.UpdatedAt, ctx.Now))}, sequence {r.Sequence})[/]");
        if (r.Dependencies.Count > 0)
        {
            grid.AddRow("Depends on", Styles.E(string.Join(", ", r.Dependencies)));
        }

        if (r.Tests is { } tests)
        {
            var counts = $"{tests.Passed} passed, {tests.Failed} failed, {tests.Skipped} skipped, {tests.Total} in all";
            grid.AddRow("Tests", (tests.Failed > 0 ? $"[red]{counts}[/]" : counts) + (tests.Source is null ? "" : $" [grey]({Styles.E(tests.Source)})[/]"));
        }

        c.Write(grid);
        if (r.Transitions.Count > 0)
        {
            c.WriteLine();
            var t = Styles.Table("AT", "FROM", "TO", "TIME IN FROM");
            foreach (var tr in r.Transitions)
            {
                t.AddRow(Styles.E(Units.Time(tr.At)), Styles.Phase(tr.From), Styles.Phase(tr.To), Styles.E(Units.DurationMs(tr.DurationMs)));
            }

            c.MarkupLine(r.EarlierTransitions is { } missing ? $"[bold]Transitions[/] [grey]({missing} earlier ones of this run are no longer in its history)[/]" : "[bold]Transitions[/]");
            c.Write(t);
        }

        if (r.Artifacts.Count > 0)
        {
            // Which files this run wrote (their write time, or their change time where a copy kept
            // its source's write time, is after its start): an up-to-date build writes none, so
            // this tells a no-op build from one that compiled, and a publish's copies are its own.
            var runStart = r.Run?.StartedAt;
            var t = runStart is null ? Styles.Table("ARTIFACT", "KIND", "SIZE", "SHA-256") : Styles.Table("ARTIFACT", "KIND", "SIZE", "SHA-256", "WRITTEN");
            foreach (var a in r.Artifacts)
            {
                var cells = new List<string> { Styles.E(a.Path), Styles.E(a.Kind ?? "-"), Styles.E(Units.Size(a.Size)), Styles.Dim(a.Sha256[..Math.Min(16, a.Sha256.Length)] + "…") };
                if (runStart is not null)
                {
                    cells.Add(WrittenAt(a) >= runStart ? "this run" : Styles.Dim("earlier"));
                }

                t.AddRow(cells.ToArray());
            }

            var writtenCount = runStart is null ? 0 : r.Artifacts.Count(a => WrittenAt(a) >= runStart);
            var written = runStart is null ? ""
                : writtenCount == 0 ? "; none written by this run: its outputs were up to date"
                : $"; {writtenCount} written by this run";
            c.MarkupLine($"[bold]Artifacts[/] ({r.Artifacts.Count}, {Styles.E(Units.Size(r.Artifacts.Sum(a => a.Size)))}{written})");
            c.Write(t);
        }

        if (r.Checkpoints.Count > 0)
        {
            var t = Styles.Table("CHECKPOINT", "NAME", "PHASE", "CREATED", "FILES");
            foreach (var cp in r.Checkpoints)
            {
                t.AddRow(Styles.E(cp.Id), Styles.E(cp.Name ?? (cp.Automatic ? "(automatic)" : "-")), Styles.Phase(cp.Phase), Styles.E(Units.Relative(cp.CreatedAt, ctx.Now)), cp.HasArtifactCopies ? "copied" : "-");
            }

            c.MarkupLine("[bold]Checkpoints[/]");
            c.Write(t);
        }

        if (r.Errors.Count > 0)
        {
            c.MarkupLine($"[bold red]Errors[/] ({r.Errors.Count})");
            foreach (var e in r.Errors)
            {
                var where = e.File is null ? "" : $"{e.File}{(e.Line is { } l ? $"({l}{(e.Column is { } col ? $",{col}" : "")})" : "")}: ";
                c.MarkupLine($"  [red]{Styles.E(where)}{Styles.E(e.Code ?? "error")}[/] {Styles.E(e.Message)} [grey](in {Styles.E(e.Phase)}{(e.Target is null ? "" : ", target " + Styles.E(e.Target))})[/]");
            }
        }

        return 0;
    }

    /// <summary>When a file was last written: its change time where a copy kept its source's older write time (store-format.md).</summary>
    private static DateTimeOffset WrittenAt(ArtifactRecord a) => a.ChangedUtc ?? a.LastWriteUtc;
}
