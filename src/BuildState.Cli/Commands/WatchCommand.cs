using System.CommandLine;
using System.Diagnostics;
using BuildState.Cli.Rendering;
using BuildState.Errors;
using BuildState.Model;

namespace BuildState.Cli.Commands;

/// <summary><c>watch</c>: follows a run live by polling the store; ends when the run ends.</summary>
internal static class WatchCommand
{
    private static readonly Argument<string?> Build = new("BUILD") { Description = "Follow only this build (a full id or unique part)", Arity = ArgumentArity.ZeroOrOne };
    private static readonly Option<string?> Run = new("--run") { Description = "Follow this run id (default: the run in progress, else the latest)", HelpName = "RUN" };
    private static readonly Option<string?> Timeout = new("--timeout") { Description = "Give up after this long with exit code 9 (e.g. 10m)", HelpName = "DURATION" };
    private static readonly Option<string?> Interval = new("--interval") { Description = "How often to poll the store (default 250ms)", HelpName = "DURATION" };
    private static readonly Option<bool> Wait = new("--wait") { Description = "When nothing is running yet, wait for a run to start instead of showing the latest one" };

    public static Command Create(Runner runner) =>
        runner.Verb(
            "watch",
            "Follow a running build live: progress per project, current phase, elapsed time. Ends when the run ends: exit code 0 when every build succeeded, 1 when one failed or was interrupted, 9 on --timeout. --json streams one event per line.",
            "buildstate watch --wait --timeout 30m --json",
            Execute,
            Build,
            Run,
            Timeout,
            Interval,
            Wait);

    private static int Execute(CliContext ctx)
    {
        var timeout = Units.ParseDuration(ctx.Get(Timeout), "--timeout");
        var interval = Units.ParseDuration(ctx.Get(Interval), "--interval") ?? TimeSpan.FromMilliseconds(250);
        if (interval <= TimeSpan.Zero)
        {
            throw new UsageException("--interval must be more than 0");
        }

        var part = ctx.Get(Build);
        var only = part is null ? null : ctx.ResolveBuild(part);
        var run = ctx.Get(Run);
        if (run is not null)
        {
            CheckRunExists(ctx, run, only, ctx.Get(Wait));
        }

        var follower = new RunFollower(ctx.Store, only, run, ctx.Get(Wait));
        IWatchView view = ctx.Json ? new JsonWatchView(ctx) : ctx.Console.Profile.Capabilities.Interactive && ctx.UseColor ? new LiveWatchView(ctx) : new LineWatchView(ctx);
        var clock = Stopwatch.StartNew();
        return view.Run(() =>
        {
            var settle = TimeSpan.FromMilliseconds(Math.Max(1000, interval.TotalMilliseconds * 2));
            var quietSince = (TimeSpan?)null;
            while (true)
            {
                ctx.Environment.Cancellation.ThrowIfCancellationRequested();
                foreach (var e in follower.Poll())
                {
                    view.OnEvent(e, follower);
                }

                view.Refresh(follower, clock.Elapsed);
                if (follower.Ended)
                {
                    quietSince ??= clock.Elapsed;
                    if (follower.SingleBuild || clock.Elapsed - quietSince >= settle)
                    {
                        var status = follower.Outcome;
                        view.OnEvent(new WatchEvent("done", null, follower.RunId, status, null, null, null, clock.Elapsed.TotalMilliseconds, follower.Builds.Count, null), follower);
                        return status == RunStatus.Succeeded ? ExitCodes.Success : ExitCodes.General;
                    }
                }
                else
                {
                    quietSince = null;
                }

                if (timeout is { } limit && clock.Elapsed >= limit)
                {
                    view.OnEvent(new WatchEvent("timeout", null, follower.RunId, null, null, null, null, clock.Elapsed.TotalMilliseconds, follower.Builds.Count, null), follower);
                    throw new BuildStateException(StoreErrorKind.Timeout, $"the run {(follower.RunId is null ? "" : $"'{follower.RunId}' ")}had not ended after {Units.Duration(limit)}");
                }

                Thread.Sleep(interval);
            }
        });
    }

    /// <summary>
    /// A run is followed through the builds whose latest run it is: without --wait, a run no build
    /// has would be waited for forever in silence. It is "not found" (exit 5, naming the recent
    /// runs); with --wait, one line on standard error says what is being waited for.
    /// </summary>
    private static void CheckRunExists(CliContext ctx, string run, string? onlyBuild, bool wait)
    {
        var entries = ctx.Store.List().Where(e => onlyBuild is null || e.Id == onlyBuild).ToList();
        if (entries.Any(e => e.RunId == run))
        {
            return;
        }

        if (wait)
        {
            ctx.Error.WriteLine($"waiting for run {run} to start{(onlyBuild is null ? "" : $" on {onlyBuild}")}");
            return;
        }

        var recent = entries.Where(e => e.RunId is not null)
            .GroupBy(e => e.RunId!, StringComparer.Ordinal)
            .OrderByDescending(g => g.Max(e => e.UpdatedAt))
            .Take(5)
            .Select(g => g.Key)
            .ToList();
        var known = recent.Count == 0 ? "no build has run yet" : $"known recent runs: {string.Join(", ", recent)}";
        throw BuildStateException.NotFound(
            $"no run '{run}'{(onlyBuild is null ? "" : $" of {onlyBuild}")} in the store ({known}); pass --wait to wait for it to start",
            ctx.StoreRoot);
    }
}
