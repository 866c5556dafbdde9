using System.Globalization;
using BuildState.Errors;
using BuildState.Lifecycle;
using BuildState.Model;

namespace BuildState.Store;

public sealed partial class BuildStore
{
    /// <summary>
    /// Starts a new run of a build at its lifecycle's initial phase. A run of the same build still
    /// marked Running is closed first as Interrupted (its owner is gone, or this run supersedes it),
    /// unless the request joins it (<see cref="StartRunRequest.JoinOpenRunOfSameId"/>).
    /// </summary>
    public BuildRecord StartRun(string buildId, StartRunRequest request)
    {
        ArgumentException.ThrowIfNullOrEmpty(request.RunId);
        var table = Lifecycles.Get(request.Lifecycle);
        var current = TryGet(buildId); // one read for both questions: the run start path is every build's
        if (!request.JoinOpenRunOfSameId || !CanJoin(current, request, table))
        {
            CloseStaleRun(buildId, current);
        }

        return Mutate(buildId, "start run", existing =>
        {
            if (request.JoinOpenRunOfSameId && CanJoin(existing, request, table))
            {
                return Join(existing!, request, table); // decided again under the lock
            }

            var commitTime = Now;
            var now = request.StartedAt is { } began && began < commitTime ? began : commitTime;
            var owner = request.Owner ?? Options.Owner;
            var sameInvocation = request.KeepArtifactsOfSameId && existing?.Run is { } previous && string.Equals(previous.RunId, request.RunId, StringComparison.Ordinal);
            var record = existing ?? new BuildRecord { Id = buildId, CreatedAt = now };
            record.Lifecycle = table.Name;
            record.Phase = table.Initial;
            record.Status = RunStatus.Running;
            record.RunId = request.RunId;
            record.Run = new RunInfo { RunId = request.RunId, Status = RunStatus.Running, StartedAt = now, Owner = owner };
            record.Transitions = [];
            record.EarlierTransitions = null;
            if (record.Artifacts.Count > 0)
            {
                _earlierRunArtifacts[buildId] = record.Artifacts; // their hashes serve the new run's unchanged outputs
            }

            // Only outputs still on disk: a file the earlier run listed and a later step deleted is
            // not this run's to claim (verify and a checkpoint with copies would fail on it).
            record.Artifacts = sameInvocation ? record.Artifacts.FindAll(a => File.Exists(ToFullPath(a.Path))) : [];
            var kept = record.Artifacts.Count;
            record.Errors = [];
            record.Tests = null;
            record.Resources = new ResourceInfo { Machine = owner.Host, ProcessId = owner.ProcessId, NodeId = request.NodeId };
            if (request.Dependencies is not null)
            {
                record.Dependencies = request.Dependencies.Distinct(StringComparer.Ordinal).ToList();
            }

            if (request.ReplaceMetadata)
            {
                record.Metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            }

            foreach (var (name, value) in request.Metadata ?? new Dictionary<string, string>())
            {
                record.Metadata[name] = value;
            }

            if (request.ThenTransitionTo is { } next)
            {
                LifecycleRegistry.EnsureCanTransition(table, table.Initial, next);
                ApplyTransition(record, table, next, now);
            }

            var andThenAt = request.AndThenAt is { } entered && entered < commitTime ? (entered < now ? now : entered) : commitTime;
            var ended = false;
            foreach (var phase in request.AndThen ?? [])
            {
                LifecycleRegistry.EnsureCanTransition(table, record.Phase, phase);
                ended = ApplyTransition(record, table, phase, andThenAt);
            }

            var message = kept > 0 ? $"keeps the {kept} artifact(s) of this invocation's earlier run of the build" : null;
            return new Change(record, new HistoryEntry { Kind = HistoryKinds.RunStarted, To = record.Phase, Message = message }, DurableNow: ended, Backup: ended);
        });
    }

    /// <summary>The build's run is open under the request's run id, in its lifecycle, and its owner is not known to be gone.</summary>
    private static bool CanJoin(BuildRecord? current, StartRunRequest request, ILifecycleDefinition table) =>
        current?.Run is { Status: RunStatus.Running, EndedAt: null } run
        && string.Equals(run.RunId, request.RunId, StringComparison.Ordinal)
        && string.Equals(current.Lifecycle, table.Name, StringComparison.Ordinal)
        && (run.Owner is null || ProcessLiveness.Check(run.Owner) != Liveness.Dead);

    /// <summary>
    /// One more writer records the open run: counted, its dependencies added, and the phases of its
    /// request beyond the run's current one entered (a run that another writer left in Setup goes on
    /// to Build with this one). Owner, metadata and start stay the first writer's.
    /// </summary>
    private Change Join(BuildRecord record, StartRunRequest request, ILifecycleDefinition table)
    {
        var run = record.Run!;
        run.Instances = (run.Instances ?? 1) + 1;
        run.InstancesEnded ??= 0;
        AddDependencies(record, request.Dependencies ?? []);
        var path = new List<string> { table.Initial };
        if (request.ThenTransitionTo is { } next)
        {
            path.Add(next);
        }

        path.AddRange(request.AndThen ?? []);
        var from = record.Phase;
        for (var i = path.IndexOf(from) + 1; i > 0 && i < path.Count; i++)
        {
            LifecycleRegistry.EnsureCanTransition(table, record.Phase, path[i]);
            ApplyTransition(record, table, path[i]);
        }

        var moved = record.Phase != from;
        var entry = new HistoryEntry
        {
            Kind = moved ? HistoryKinds.Transition : HistoryKinds.Update,
            From = moved ? from : null,
            To = moved ? record.Phase : null,
            Message = $"joined by another writer of this invocation ({run.Instances} writers now)",
        };
        return new Change(record, entry, DurableNow: false);
    }

    /// <summary>Adds the dependencies the build does not list yet, in order (a writer of a shared run adds its own).</summary>
    private static void AddDependencies(BuildRecord record, IReadOnlyList<string> dependencies)
    {
        foreach (var dependency in dependencies)
        {
            if (!record.Dependencies.Contains(dependency, StringComparer.Ordinal))
            {
                record.Dependencies.Add(dependency);
            }
        }
    }

    /// <summary>Closes a still-Running previous run (of <paramref name="current"/>, as just read) as Interrupted, in its own history record.</summary>
    private void CloseStaleRun(string buildId, BuildRecord? current)
    {
        if (current?.Run is not { Status: RunStatus.Running } run)
        {
            return;
        }

        var dead = run.Owner is not null && ProcessLiveness.Check(run.Owner) == Liveness.Dead;
        // Only the run read above: another writer may have closed it and started its own meanwhile
        // (one this request may then join), which must not be closed as stale.
        MarkInterrupted(buildId, dead ? null : "superseded by a new run before it ended", onlyIfOwnerDead: false, only: run);
    }

    /// <summary>
    /// Moves the build to <paramref name="to"/> after checking the lifecycle table. Entering the error
    /// phase marks the run Failed; entering a terminal phase ends the run (durably under Normal).
    /// </summary>
    public BuildRecord Transition(string buildId, string to, string? message = null) =>
        Mutate(buildId, "transition", existing =>
        {
            var record = RequireRunning(existing, buildId);
            var table = Lifecycles.Get(record.Lifecycle);
            var from = record.Phase;
            LifecycleRegistry.EnsureCanTransition(table, from, to);
            var ended = ApplyTransition(record, table, to);
            return new Change(record, new HistoryEntry { Kind = HistoryKinds.Transition, From = from, To = to, Message = message }, DurableNow: ended, Backup: ended);
        });

    /// <summary>Applies a legal transition to <paramref name="record"/>; returns true when it ended the run.</summary>
    private bool ApplyTransition(BuildRecord record, ILifecycleDefinition table, string to) => ApplyTransition(record, table, to, Now);

    /// <summary>Applies a legal transition taken at <paramref name="now"/>.</summary>
    private bool ApplyTransition(BuildRecord record, ILifecycleDefinition table, string to, DateTimeOffset now)
    {
        var from = record.Phase;
        var since = record.Transitions.Count > 0 ? record.Transitions[^1].At : record.Run!.StartedAt;
        var duration = Math.Max(0, (now - since).TotalMilliseconds);
        record.Transitions.Add(new TransitionRecord { From = from, To = to, At = now, DurationMs = duration });
        if (record.Transitions.Count > StoreLimits.MaxTransitionsInState)
        {
            // The oldest leave the state (its history records keep them): a commit's cost stays
            // bounded however long the run.
            var dropped = record.Transitions.Count - StoreLimits.MaxTransitionsInState;
            record.Transitions.RemoveRange(0, dropped);
            record.EarlierTransitions = (record.EarlierTransitions ?? 0) + dropped;
        }

        record.Resources.PhaseDurationsMs.AddTo(from, duration);
        record.Phase = to;

        if (to == table.Error)
        {
            SetStatus(record, RunStatus.Failed);
        }
        else if (from == table.Error && to == table.Initial)
        {
            // The table's way back to the start: a retry. The run is running again; a terminal
            // phase reached from here ends it Succeeded unless errors are recorded after the retry
            // (the earlier attempt's errors stay on record). Any other way out of the error phase
            // (the default lifecycle's Error -> Cleanup) keeps the run Failed.
            SetStatus(record, RunStatus.Running);
        }

        if (table.Terminal.Contains(to))
        {
            var failed = record.Status == RunStatus.Failed || HasErrorsSinceRetry(record, table);
            SetStatus(record, failed ? RunStatus.Failed : RunStatus.Succeeded);
            record.Run!.EndedAt = now;
            if (failed && record.Run.Reason is null && record.Errors.Count > 0)
            {
                // Failed by a recorded error rather than by entering the error phase (a shared run's
                // failed part): the reason says why, where a failed run's reader looks for it.
                record.Run.Reason = record.Errors[^1].Message;
            }

            return true;
        }

        return false;
    }

    /// <summary>True when the run has errors recorded after its last retry (error phase -> initial phase), or any errors when it never retried.</summary>
    private static bool HasErrorsSinceRetry(BuildRecord record, ILifecycleDefinition table)
    {
        if (record.Errors.Count == 0)
        {
            return false;
        }

        for (var i = record.Transitions.Count - 1; i >= 0; i--)
        {
            var t = record.Transitions[i];
            if (t.From == table.Error && t.To == table.Initial && table.Error is not null)
            {
                return record.Errors.Exists(e => e.At >= t.At);
            }
        }

        return true;
    }

    private static void SetStatus(BuildRecord record, RunStatus status)
    {
        record.Status = status;
        record.Run!.Status = status;
    }

    /// <summary>
    /// Ends the run. A run must end terminal or in the error phase: a failed run (or one that stops
    /// short of a terminal phase) is moved to the error phase when the table allows it. Idempotent:
    /// ending an ended run changes nothing. Always durable under Normal. Keeps a backup.
    /// </summary>
    public BuildRecord EndRun(string buildId, RunOutcome outcome, string? reason = null) => EndRun(buildId, outcome, reason, endsInstance: false);

    /// <summary>
    /// <see cref="EndRun(string, RunOutcome, string?)"/> for one writer of a run that several record
    /// (<see cref="StartRunRequest.JoinOpenRunOfSameId"/>) when <paramref name="endsInstance"/>: while
    /// others are still open, this writer's part ends and the run does not. A part that failed or
    /// was cut off records <paramref name="reason"/> as an error of the run, which stays Running for
    /// the others and then cannot end Succeeded; the last writer ends the run.
    /// </summary>
    public BuildRecord EndRun(string buildId, RunOutcome outcome, string? reason, bool endsInstance) => EndRun(buildId, outcome, reason, endsInstance, []);

    /// <summary>
    /// <see cref="EndRun(string, RunOutcome, string?, bool)"/> that also records
    /// <paramref name="artifacts"/> in the same commit (hashed before the lock is taken, reusing the
    /// hashes of files whose size and write time are unchanged, as <see cref="RecordArtifacts"/>
    /// does): the MSBuild SDK's end of a failed run whose outputs were built. Every file must exist;
    /// a run that has ended already is left as it is.
    /// </summary>
    public BuildRecord EndRun(string buildId, RunOutcome outcome, string? reason, bool endsInstance, IReadOnlyList<ArtifactInput> artifacts)
    {
        var hashed = artifacts.Count == 0 ? [] : HashArtifacts(artifacts, KnownArtifacts(buildId));
        return Mutate(buildId, "end run", existing =>
        {
            var (outcomeNow, reasonNow) = (outcome, reason);
            if (existing?.Run is null)
            {
                throw BuildStateException.NotFound($"build '{buildId}' has no run to end", Layout.Root);
            }

            if (existing.Run.EndedAt is not null && existing.Run.Status != RunStatus.Running)
            {
                return null;
            }

            var record = existing;
            var table = Lifecycles.Get(record.Lifecycle);
            var from = record.Phase;
            MergeArtifacts(record, hashed);
            if (endsInstance && record.Run.OpenInstances > 1)
            {
                return EndPart(record, outcome, reason, hashed.Count);
            }

            if (endsInstance && record.Run.Instances is not null)
            {
                record.Run.InstancesEnded = record.Run.Instances; // the last part ends the run

                // An earlier part was cut off (its reason is kept while the run is open): the
                // cancellation explains a later part's failure. A node that MSBuild cancelled
                // without its own Ctrl+C sees only that a target failed.
                if (outcome == RunOutcome.Failed && record.Run.Reason is { } cutOff)
                {
                    (outcomeNow, reasonNow) = (RunOutcome.Interrupted, cutOff);
                }
            }

            if (outcomeNow == RunOutcome.Interrupted)
            {
                SetStatus(record, RunStatus.Interrupted);
                record.Run.EndedAt = Now;
                record.Run.Reason = reasonNow ?? "the run was cut off";
                return new Change(record, new HistoryEntry { Kind = HistoryKinds.RunInterrupted, From = from, Message = WithArtifacts(record.Run.Reason, hashed.Count) }, DurableNow: true, Backup: true);
            }

            var terminal = table.Terminal.Contains(record.Phase);
            var incomplete = !terminal && record.Phase != table.Error;
            if ((outcome == RunOutcome.Failed || incomplete) && table.Error is { } error && record.Phase != error && table.CanTransition(record.Phase, error))
            {
                ApplyTransition(record, table, error);
            }

            var failed = outcome == RunOutcome.Failed || record.Errors.Count > 0 || record.Status == RunStatus.Failed || !terminal;
            SetStatus(record, failed ? RunStatus.Failed : RunStatus.Succeeded);
            record.Run!.EndedAt = Now;
            record.Run.Reason = reason ?? (incomplete ? $"the run ended in phase {from}, before a terminal phase" : null);
            return new Change(record, new HistoryEntry { Kind = HistoryKinds.RunEnded, From = from, To = record.Phase, Message = WithArtifacts(record.Run.Reason, hashed.Count) }, DurableNow: true, Backup: true);
        });
    }

    /// <summary>One writer's part of a shared run ended, and others are still open (<see cref="EndRun(string, RunOutcome, string?, bool)"/>).</summary>
    private Change EndPart(BuildRecord record, RunOutcome outcome, string? reason, int artifacts)
    {
        var run = record.Run!;
        run.InstancesEnded = (run.InstancesEnded ?? 0) + 1;
        var with = artifacts > 0 ? $" with {artifacts} artifact(s)" : "";
        if (outcome == RunOutcome.Succeeded)
        {
            return new Change(record, new HistoryEntry { Kind = HistoryKinds.Update, Message = $"one writer's part ended{with}; {run.OpenInstances} of {run.Instances} writers still open" }, DurableNow: false);
        }

        // The run stays Running for the writers still open (so every reader, the sweep and the next
        // joiner see it as open), with this part's failure as one of its errors: whatever the
        // others do, its end is then Failed (or Interrupted, if the last part is cut off too).
        var failure = reason ?? (outcome == RunOutcome.Interrupted ? "this writer's part of the run was cut off" : "this writer's part of the run failed");
        record.Errors.Add(new ErrorRecord { At = Now, Phase = record.Phase, Message = failure });
        if (outcome == RunOutcome.Interrupted)
        {
            run.Reason ??= failure; // a run that is open has no reason otherwise: the last part's end reads it (EndRun)
        }

        return new Change(record, new HistoryEntry { Kind = HistoryKinds.Error, Message = $"one writer's part ended{with}: {failure}; {run.OpenInstances} of {run.Instances} writers still open" }, DurableNow: false);
    }

    /// <summary>A run end's history message: its reason, and how many artifacts the end recorded (<see cref="EndRun(string, RunOutcome, string?, bool, IReadOnlyList{ArtifactInput})"/>).</summary>
    private static string? WithArtifacts(string? reason, int artifacts) =>
        artifacts == 0 ? reason : $"{reason ?? "the run ended"} ({artifacts} artifact(s) recorded)";

    /// <summary>Records a failure of the current run (the phase is not changed; see <see cref="Transition"/>).</summary>
    public BuildRecord RecordError(string buildId, ErrorRecord error) =>
        Mutate(buildId, "record error", existing =>
        {
            var record = RequireRun(existing, buildId);
            error.At = error.At == default ? Now : error.At;
            error.Phase = string.IsNullOrEmpty(error.Phase) ? record.Phase : error.Phase;
            record.Errors.Add(error);
            return new Change(record, new HistoryEntry { Kind = HistoryKinds.Error, Message = $"{error.Code} {error.Message}".Trim() }, DurableNow: false);
        });

    /// <summary>
    /// Records the failure of a step that belongs to the build's latest run but may come after its
    /// end (the MSBuild SDK's Pack or Publish, which run after Build has completed the run, or under
    /// `--no-build` add to an earlier run): <paramref name="error"/> is added to the run's errors,
    /// and a run that has ended <c>Succeeded</c> becomes <paramref name="outcome"/> (Failed, or
    /// Interrupted for a step that was cut off) with <paramref name="reason"/>; its phase, end time
    /// and checkpoints stay as they were. A run that has ended Failed or Interrupted keeps its status
    /// and reason (the earlier failure explains it) and gets the error only. A run still open gets
    /// the error, so it cannot end Succeeded (its end names the error when it has no other reason).
    /// With <paramref name="runId"/>, only a run of that id is changed: when the build's latest run
    /// is another, nothing is. Returns the record as it is after the change.
    /// </summary>
    public BuildRecord RecordStepFailure(string buildId, ErrorRecord error, RunOutcome outcome, string reason, string? runId = null)
    {
        if (outcome == RunOutcome.Succeeded)
        {
            throw new ArgumentException("a step failure cannot succeed", nameof(outcome));
        }

        return Mutate(buildId, "record step failure", existing =>
        {
            var record = RequireRun(existing, buildId);
            if (runId is not null && !string.Equals(record.RunId, runId, StringComparison.Ordinal))
            {
                return null; // the latest run is another one: not this step's
            }

            error.At = error.At == default ? Now : error.At;
            error.Phase = string.IsNullOrEmpty(error.Phase) ? record.Phase : error.Phase;
            record.Errors.Add(error);
            var message = $"{error.Code} {error.Message}".Trim();
            if (record.Run!.EndedAt is not null && record.Status == RunStatus.Succeeded)
            {
                SetStatus(record, outcome == RunOutcome.Interrupted ? RunStatus.Interrupted : RunStatus.Failed);
                record.Run.Reason = reason;
                message += $"; the run, which had ended Succeeded, is now {record.Status}";
                return new Change(record, new HistoryEntry { Kind = HistoryKinds.Error, Message = message }, DurableNow: true, Backup: true);
            }

            return new Change(record, new HistoryEntry { Kind = HistoryKinds.Error, Message = message }, DurableNow: false);
        });
    }

    /// <summary>
    /// A general change of the build's data (metadata, dependencies...) under its lock. The phase,
    /// status and id cannot be changed this way: transitions go through <see cref="Transition"/>.
    /// </summary>
    public BuildRecord Update(string buildId, Action<BuildRecord> change, string? message = null) =>
        Mutate(buildId, "update", existing =>
        {
            var record = existing ?? throw BuildStateException.NotFound($"no build '{buildId}' in the store", Layout.Root);
            var (phase, status) = (record.Phase, record.Status);
            change(record);
            if (record.Id != buildId || record.Phase != phase || record.Status != status)
            {
                throw new BuildStateException(StoreErrorKind.Validation, "Update cannot change a build's id, phase or status; use Transition or EndRun");
            }

            return new Change(record, new HistoryEntry { Kind = HistoryKinds.Update, Message = message }, DurableNow: false);
        });

    /// <summary>
    /// Marks Running runs whose owner process is gone as Interrupted (a crash or kill cut them off).
    /// Owners on other hosts are left alone: their liveness cannot be seen from here. Returns the builds marked.
    /// </summary>
    public IReadOnlyList<string> SweepInterruptedRuns()
    {
        var marked = new List<string>();
        var entries = List();
        var lastActivity = new Lazy<Dictionary<string, DateTimeOffset>>(() => LastActivityByRunId(entries));
        foreach (var entry in entries.Where(e => e.Status == RunStatus.Running))
        {
            if (MarkInterrupted(entry.Id, null, onlyIfOwnerDead: true, lastActivity: lastActivity))
            {
                marked.Add(entry.Id);
            }
        }

        return marked;
    }

    /// <summary>
    /// The latest change the index shows from each invocation (the builds' latest runs under one run
    /// id): a killed run's process died at an unknown time, but not before the last thing its
    /// invocation recorded, in any of its builds.
    /// </summary>
    private static Dictionary<string, DateTimeOffset> LastActivityByRunId(IEnumerable<IndexEntry> entries)
    {
        var latest = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            if (entry.RunId is { } runId && (!latest.TryGetValue(runId, out var seen) || entry.UpdatedAt > seen))
            {
                latest[runId] = entry.UpdatedAt;
            }
        }

        return latest;
    }

    /// <summary>
    /// <see cref="LastActivityByRunId"/> from the index as it is stored (snapshot and journal): no
    /// stat per build, no write-back, no lock, so it may be read under a build's lock; a stale entry
    /// only makes the bound lower, and an index that cannot be read leaves the run's own last change.
    /// Made once per sweep or recovery, and only if a run is marked.
    /// </summary>
    private Lazy<Dictionary<string, DateTimeOffset>> LastActivityFromIndex() =>
        new(() =>
        {
            try
            {
                return LastActivityByRunId(TryReadIndex()?.Builds ?? []);
            }
            catch (BuildStateException)
            {
                return [];
            }
        });

    /// <summary>
    /// Marks the build's Running run Interrupted. <paramref name="reason"/> null: its owner is gone
    /// (checked here with <paramref name="onlyIfOwnerDead"/>, or known by the caller), and the run
    /// ends at <paramref name="lastActivity"/> (<see cref="LastActivityByRunId"/>; from the index
    /// when not given). <paramref name="only"/>: only that run, not one started since.
    /// </summary>
    private bool MarkInterrupted(string buildId, string? reason, bool onlyIfOwnerDead, RunInfo? only = null, Lazy<Dictionary<string, DateTimeOffset>>? lastActivity = null)
    {
        var changed = false;
        Mutate(buildId, "mark interrupted", existing =>
        {
            if (existing?.Run is not { Status: RunStatus.Running } run)
            {
                return null;
            }

            if (only is not null && (!string.Equals(run.RunId, only.RunId, StringComparison.Ordinal) || run.StartedAt != only.StartedAt))
            {
                return null; // not the run the caller saw
            }

            if (onlyIfOwnerDead && (run.Owner is null || ProcessLiveness.Check(run.Owner) != Liveness.Dead))
            {
                return null;
            }

            changed = true;
            var now = Now;
            SetStatus(existing, RunStatus.Interrupted);
            if (reason is null)
            {
                // When the process died is unknown, and a sweep may come days later: the run ends at
                // the last thing its invocation recorded (its own last change, or a later one of
                // another build of the same run id), so its duration is what it is known to have run.
                var seen = existing.UpdatedAt;
                if ((lastActivity ?? LastActivityFromIndex()).Value.TryGetValue(run.RunId, out var invocation) && invocation > seen)
                {
                    seen = invocation;
                }

                run.EndedAt = seen > now ? now : seen < run.StartedAt ? run.StartedAt : seen;
                run.Reason = $"owner process {run.Owner!.ProcessId} on {run.Owner.Host} is gone (found at {now.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)}Z; the run ends at its invocation's last recorded activity)";
            }
            else
            {
                run.EndedAt = now;
                run.Reason = reason;
            }

            return new Change(existing, new HistoryEntry { Kind = HistoryKinds.RunInterrupted, From = existing.Phase, Message = run.Reason }, DurableNow: true);
        });
        return changed;
    }

    private static BuildRecord RequireRun(BuildRecord? existing, string buildId) =>
        existing?.Run is not null
            ? existing
            : throw new BuildStateException(StoreErrorKind.NotFound, $"build '{buildId}' has no run; start one first");

    private static BuildRecord RequireRunning(BuildRecord? existing, string buildId)
    {
        var record = RequireRun(existing, buildId);
        if (record.Run!.EndedAt is not null)
        {
            throw new BuildStateException(StoreErrorKind.Validation, $"the run '{record.RunId}' of build '{buildId}' has ended ({record.Status}); start a new run first");
        }

        return record;
    }
}
