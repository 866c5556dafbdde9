using BuildState.Model;
using BuildState.Store;

namespace BuildState.Cli.Rendering;

/// <summary>What the HTML report shows: the last runs (from each build's history), one row per build.</summary>
internal sealed class ReportModel
{
    public required string StoreRoot { get; init; }

    public required DateTimeOffset GeneratedAt { get; init; }

    public required List<ReportRun> Runs { get; init; }

    /// <summary>The current state of every build (for the dependency graph and the totals).</summary>
    public required List<BuildRecord> Builds { get; init; }

    /// <summary>Builds that could not be read (shown, not hidden).</summary>
    public required List<UnreadableBuild> Unreadable { get; init; }

    public static ReportModel Build(BuildStore store, int maxRuns, DateTimeOffset now)
    {
        var listing = store.ListWithUnreadable();
        var unreadable = listing.Unreadable.ToList();
        var builds = new List<BuildRecord>();
        var runs = new Dictionary<string, List<BuildRecord>>(StringComparer.Ordinal);
        foreach (var entry in listing.Builds)
        {
            try
            {
                var current = store.Get(entry.Id);
                builds.Add(current);
                var byRun = new Dictionary<string, BuildRecord>(StringComparer.Ordinal);
                var earlier = new Dictionary<string, BuildRecord>(StringComparer.Ordinal);
                foreach (var h in store.GetHistory(entry.Id))
                {
                    if (h.State is { Run: not null, RunId: { } runId } state)
                    {
                        // A second run of the build under the same id (a Microsoft.Testing.Platform
                        // session after the build of the same `dotnet test`): one row, both runs.
                        if (h.Kind == HistoryKinds.RunStarted && byRun.TryGetValue(runId, out var before))
                        {
                            earlier[runId] = earlier.TryGetValue(runId, out var first) ? Joined(first, before) : before;
                        }

                        byRun[runId] = state; // the last record of a run holds its final state
                    }
                }

                if (current.Run is not null && current.RunId is { } currentRun)
                {
                    byRun[currentRun] = current;
                }

                foreach (var (runId, state) in byRun)
                {
                    var row = earlier.TryGetValue(runId, out var first) ? Joined(first, state) : state;
                    (runs.TryGetValue(runId, out var list) ? list : runs[runId] = []).Add(row);
                }
            }
            catch (Errors.BuildStateException e) when (e.Kind is Errors.StoreErrorKind.NotFound)
            {
                // Archived or pruned since the listing: no longer a build of this report.
            }
            catch (Errors.BuildStateException e)
            {
                unreadable.Add(UnreadableBuilds.From(entry.Id, e));
            }
        }

        var ordered = runs
            .Select(r => new ReportRun(r.Key, r.Value.OrderBy(b => b.Run!.StartedAt).ThenBy(b => b.Id, StringComparer.Ordinal).ToList(), now))
            .OrderByDescending(r => r.Start)
            .Take(Math.Max(1, maxRuns))
            .ToList();
        return new ReportModel
        {
            StoreRoot = store.Layout.Root,
            GeneratedAt = now,
            Runs = ordered,
            Builds = builds.OrderBy(b => b.Id, StringComparer.Ordinal).ToList(),
            Unreadable = unreadable,
        };
    }

    /// <summary>
    /// Two runs of one build under one run id as one row: from the first's start to the second's
    /// end, the first's transitions then the second's (the time between them shows as the second's
    /// initial phase), every file and error of both, the second's outcome.
    /// </summary>
    private static BuildRecord Joined(BuildRecord first, BuildRecord second)
    {
        var row = second.Clone();
        row.Run!.StartedAt = first.Run!.StartedAt;
        row.Transitions = [.. first.Transitions, .. row.Transitions];
        row.EarlierTransitions = null;
        var paths = row.Artifacts.Select(a => a.Path).ToHashSet(StringComparer.Ordinal);
        row.Artifacts = [.. first.Artifacts.Where(a => !paths.Contains(a.Path)), .. row.Artifacts];
        row.Errors = [.. first.Errors, .. row.Errors];
        return row;
    }
}

/// <summary>One run: the builds it covered, with their final states.</summary>
internal sealed class ReportRun
{
    public ReportRun(string runId, List<BuildRecord> builds, DateTimeOffset now)
    {
        RunId = runId;
        Builds = builds;
        Start = builds.Min(b => b.Run!.StartedAt);
        End = builds.Max(b => End_(b, now));
    }

    public string RunId { get; }

    public List<BuildRecord> Builds { get; }

    public DateTimeOffset Start { get; }

    public DateTimeOffset End { get; }

    public TimeSpan Duration => End - Start;

    /// <summary>Builds of the run that did not succeed: failed or cut off (<see cref="Interrupted"/> counts the latter).</summary>
    public int Failed => Builds.Count(b => b.Status is RunStatus.Failed or RunStatus.Interrupted);

    public int Interrupted => Builds.Count(b => b.Status == RunStatus.Interrupted);

    public bool Running => Builds.Any(b => b.Status == RunStatus.Running);

    /// <summary>When the build's run ended (now, for a run still going).</summary>
    public static DateTimeOffset End_(BuildRecord b, DateTimeOffset now) =>
        b.Run!.EndedAt ?? (b.Status == RunStatus.Running ? now : b.Transitions.Count > 0 ? b.Transitions[^1].At : b.UpdatedAt);

    /// <summary>The phases the build went through, as (phase, from, to) segments.</summary>
    public static List<(string Phase, DateTimeOffset From, DateTimeOffset To)> Segments(BuildRecord b, DateTimeOffset now)
    {
        var segments = new List<(string, DateTimeOffset, DateTimeOffset)>();
        // A long run's state holds only its newest transitions: the timeline then starts at the first one kept.
        var at = b.EarlierTransitions > 0 && b.Transitions.Count > 0
            ? b.Transitions[0].At - TimeSpan.FromMilliseconds(b.Transitions[0].DurationMs)
            : b.Run!.StartedAt;
        foreach (var t in b.Transitions)
        {
            // A later run joined to the row (a test session after its build) begins after a gap in
            // which nothing of this build ran: the transition's own duration says where its phase
            // began, so the gap is left blank instead of drawn as that phase (Init).
            var began = t.At - TimeSpan.FromMilliseconds(t.DurationMs);
            if (began > at)
            {
                at = began;
            }

            segments.Add((t.From, at, t.At));
            at = t.At;
        }

        // The phase it ended in (or is in) always shows: a thin end marker when no time was spent there.
        var end = End_(b, now);
        segments.Add((b.Phase, at, end > at ? end : at));

        return segments;
    }
}
