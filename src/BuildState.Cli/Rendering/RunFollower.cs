using BuildState.Model;
using BuildState.Store;

namespace BuildState.Cli.Rendering;

/// <summary>One thing that happened during a watched run (also the --json line shape).</summary>
internal sealed record WatchEvent(
    string Event,
    string? Id,
    string? RunId,
    RunStatus? Status,
    string? Phase,
    string? From,
    string? To,
    double? ElapsedMs,
    int? Builds,
    string? Message)
{
    public DateTimeOffset At { get; init; } = DateTimeOffset.UtcNow;
}

/// <summary>Polls the store and turns changes of the followed run into events.</summary>
internal sealed class RunFollower(BuildStore store, string? onlyBuild, string? runId, bool waitForStart)
{
    // StartedAt tells the runs of one run id apart: an invocation may run a build more than once
    // (a test session after its build, instances of one build one after the other).
    private readonly Dictionary<string, (long Sequence, string? RunId, DateTimeOffset StartedAt, int Transitions, RunStatus Status)> _seen = new(StringComparer.Ordinal);

    public string? RunId { get; private set; } = runId;

    public bool SingleBuild => onlyBuild is not null;

    /// <summary>The latest state of every followed build.</summary>
    public SortedDictionary<string, BuildRecord> Builds { get; } = new(StringComparer.Ordinal);

    public bool Ended => Builds.Count > 0 && Builds.Values.All(b => b.RunId == RunId && EffectiveStatus(b) != RunStatus.Running);

    /// <summary>Failed when any build failed; else Interrupted when any was cut off (Ctrl+C, a kill); else Succeeded.</summary>
    public RunStatus Outcome
    {
        get
        {
            var statuses = Builds.Values.Select(EffectiveStatus).ToList();
            return statuses.Contains(RunStatus.Failed) ? RunStatus.Failed
                : statuses.Any(s => s != RunStatus.Succeeded) ? RunStatus.Interrupted
                : RunStatus.Succeeded;
        }
    }

    public IEnumerable<WatchEvent> Poll()
    {
        var entries = store.List().Where(e => onlyBuild is null || e.Id == onlyBuild).ToList();
        if (RunId is null)
        {
            var running = entries.Where(e => e.Status == RunStatus.Running).OrderByDescending(e => e.UpdatedAt).FirstOrDefault();
            var pick = running ?? (waitForStart ? null : entries.OrderByDescending(e => e.UpdatedAt).FirstOrDefault());
            if (pick is null)
            {
                if (waitForStart)
                {
                    foreach (var e in entries)
                    {
                        _seen.TryAdd(e.Id, (e.Sequence, e.RunId, default, 0, e.Status));
                    }
                }

                yield break;
            }

            RunId = pick.RunId;
            yield return new WatchEvent("watch", onlyBuild, RunId, null, null, null, null, null, null, null);
        }

        foreach (var entry in entries.Where(e => e.RunId == RunId))
        {
            var known = _seen.TryGetValue(entry.Id, out var seen);
            if (known && seen.Sequence == entry.Sequence && !(seen.Status == RunStatus.Running && Builds.TryGetValue(entry.Id, out var b) && EffectiveStatus(b) != RunStatus.Running))
            {
                continue;
            }

            var record = store.TryGet(entry.Id);
            if (record?.Run is null || record.RunId != RunId)
            {
                continue;
            }

            // A default StartedAt is a build seen before any of its runs was followed (--wait).
            var firstTime = !known || seen.RunId != RunId || (seen.StartedAt != default && seen.StartedAt != record.Run.StartedAt);
            if (firstTime)
            {
                yield return new WatchEvent("started", record.Id, RunId, RunStatus.Running, record.Run.StartedAt == default ? record.Phase : record.Transitions.FirstOrDefault()?.From ?? record.Phase, null, null, null, null, null) { At = record.Run.StartedAt };
            }

            // Counted over the whole run: the state carries only its newest transitions (EarlierTransitions counts the rest).
            var earlier = (int)(record.EarlierTransitions ?? 0);
            var from = firstTime ? earlier : Math.Max(seen.Transitions, earlier);
            foreach (var t in record.Transitions.Skip(from - earlier))
            {
                yield return new WatchEvent("transition", record.Id, RunId, null, t.To, t.From, t.To, t.DurationMs, null, null) { At = t.At };
            }

            var status = EffectiveStatus(record);
            var previous = firstTime ? RunStatus.Running : seen.Status;
            Builds[record.Id] = record;
            _seen[record.Id] = (record.Sequence, record.RunId, record.Run.StartedAt, earlier + record.Transitions.Count, status);
            if (status != RunStatus.Running && previous == RunStatus.Running)
            {
                var took = (record.Run.EndedAt ?? DateTimeOffset.UtcNow) - record.Run.StartedAt;
                var message = record.Errors.Count > 0 ? string.Join("; ", record.Errors.Select(e => $"{e.Code} {e.Message}".Trim())) : record.Run.Reason;
                if (status == RunStatus.Interrupted && record.Status == RunStatus.Running)
                {
                    message = $"owner process {record.Run.Owner?.ProcessId} is gone";
                }

                yield return new WatchEvent("ended", record.Id, RunId, status, record.Phase, null, null, took.TotalMilliseconds, null, message) { At = record.Run.EndedAt ?? DateTimeOffset.UtcNow };
            }
        }
    }

    /// <summary>The status, with a Running run whose owner process is gone counted as Interrupted.</summary>
    public static RunStatus EffectiveStatus(BuildRecord record) => OwnerGone(record) ? RunStatus.Interrupted : record.Status;

    /// <summary>Stored as Running, but the process that owns the run is gone (a kill not yet swept).</summary>
    public static bool OwnerGone(BuildRecord record) =>
        record.Status == RunStatus.Running && record.Run?.Owner is { } owner && ProcessLiveness.Check(owner) == Liveness.Dead;
}
