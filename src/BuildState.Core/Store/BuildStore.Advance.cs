using BuildState.Errors;
using BuildState.Lifecycle;
using BuildState.Model;

namespace BuildState.Store;

/// <summary>Several changes of one build made as one commit (see <see cref="BuildStore.Advance"/>).</summary>
public sealed class AdvanceRequest
{
    /// <summary>Files to record as artifacts first (hashed before the lock is taken).</summary>
    public IReadOnlyList<ArtifactInput> Artifacts { get; init; } = [];

    /// <summary>Replaces the build's dependencies when not null.</summary>
    public IReadOnlyList<string>? Dependencies { get; init; }

    /// <summary>
    /// A checkpoint of the state after the artifacts are recorded: before the transitions, or after
    /// them when they end the run (reach a terminal phase), so that it holds the run as it ended.
    /// </summary>
    public string? CheckpointName { get; init; }

    public bool CheckpointIsAutomatic { get; init; } = true;

    public bool CheckpointCopiesArtifacts { get; init; }

    /// <summary>Phases to move through, in order; each step is checked against the table.</summary>
    public IReadOnlyList<string> Transitions { get; init; } = [];

    public string? Message { get; init; }

    /// <summary>The run's test results, recorded with the other changes when not null.</summary>
    public TestResults? Tests { get; init; }

    /// <summary>
    /// This request ends one writer's part of a run that several record together
    /// (<see cref="StartRunRequest.JoinOpenRunOfSameId"/>): while others are still open, only its
    /// artifacts, dependencies and tests are recorded, and the transitions and checkpoint are left
    /// to the last one, which sees every writer's artifacts. For a run of one it changes nothing.
    /// </summary>
    public bool EndsInstance { get; init; }
}

public sealed partial class BuildStore
{
    /// <summary>
    /// Records artifacts, replaces dependencies, takes a checkpoint and walks through several
    /// transitions as ONE commit: one history record, one state write, one index update (and, at a
    /// run end, one set of fsyncs). The MSBuild SDK uses it so each project costs three commits per
    /// build instead of eight. All steps are checked first; an illegal one changes nothing.
    /// </summary>
    public BuildRecord Advance(string buildId, AdvanceRequest request)
    {
        var key = BuildKey.For(buildId);
        var hashed = HashArtifacts(request.Artifacts, KnownArtifacts(buildId));
        return Mutate(buildId, "advance", existing =>
        {
            var record = RequireRunning(existing, buildId);
            var table = Lifecycles.Get(record.Lifecycle);
            var from = record.Phase;
            if (request.EndsInstance && record.Run!.OpenInstances > 1)
            {
                return EndPartWith(record, request, hashed);
            }

            var shared = record.Run!.Instances is not null;
            if (request.EndsInstance && shared)
            {
                record.Run.InstancesEnded = record.Run.Instances; // the last part: the run goes on as requested
                if (record.Run.Reason is { } cutOff)
                {
                    return EndCutOffWith(record, request, hashed, cutOff);
                }
            }

            var walk = from;
            foreach (var to in request.Transitions)
            {
                LifecycleRegistry.EnsureCanTransition(table, walk, to);
                walk = to;
            }

            RecordOutputs(record, request, hashed);

            // A shared run that one writer's failed part has marked with an error ends Failed: a
            // "built" checkpoint would name a partial set of outputs as a good build.
            var checkpointName = shared && HasErrorsSinceRetry(record, table) ? null : request.CheckpointName;

            // A request that ends the run ("built") is checkpointed after its transitions, so the
            // checkpoint holds the run as it ended (terminal phase, its status, its real end): a
            // snapshot taken before them holds a Running run that a restore could only guess an end
            // for. One that does not end it ("before-test") is checkpointed before them, as the
            // outputs were when the phase they were built in ended.
            var endsRun = request.Transitions.Count > 0 && table.Terminal.Contains(walk);
            CheckpointTaken? taken = null;
            if (checkpointName is not null && !endsRun)
            {
                taken = TakeCheckpoint(key, record, checkpointName, request.CheckpointCopiesArtifacts, request.CheckpointIsAutomatic);
            }

            var ended = false;
            foreach (var to in request.Transitions)
            {
                ended = ApplyTransition(record, table, to);
            }

            if (checkpointName is not null && endsRun)
            {
                taken = TakeCheckpoint(key, record, checkpointName, request.CheckpointCopiesArtifacts, request.CheckpointIsAutomatic);
            }

            var rotated = taken?.Rotated ?? false;
            var checkpointTaken = taken?.Taken ?? false;
            var entry = new HistoryEntry
            {
                Kind = request.Transitions.Count > 0 ? HistoryKinds.Transition : HistoryKinds.Update,
                From = from,
                To = record.Phase,
                Message = request.Message ?? Describe(request, hashed.Count, checkpointName, checkpointTaken),
            };
            return new Change(record, entry, DurableNow: ended || checkpointTaken, Backup: ended)
            {
                AfterCommit = rotated ? () => DeleteUnreferencedCheckpointFiles(key, record) : null,
            };
        });
    }

    /// <summary>
    /// One writer of a shared run ends its part while others are open: its outputs, dependencies
    /// and tests are recorded; the transitions and checkpoint are the last writer's.
    /// </summary>
    private Change EndPartWith(BuildRecord record, AdvanceRequest request, List<ArtifactRecord> hashed)
    {
        var run = record.Run!;
        run.InstancesEnded = (run.InstancesEnded ?? 0) + 1;
        RecordOutputs(record, request, hashed);
        var entry = new HistoryEntry
        {
            Kind = hashed.Count > 0 ? HistoryKinds.Artifacts : HistoryKinds.Update,
            Message = $"one writer's part ended with {hashed.Count} artifact(s); {run.OpenInstances} of {run.Instances} writers still open",
        };
        return new Change(record, entry, DurableNow: false);
    }

    /// <summary>
    /// The last writer of a shared run ends after another writer's part was cut off (its reason is
    /// kept while the run is open, see EndRun): the run was cut off, whatever this part did. Its
    /// outputs are recorded; no transition, no checkpoint.
    /// </summary>
    private Change EndCutOffWith(BuildRecord record, AdvanceRequest request, List<ArtifactRecord> hashed, string cutOff)
    {
        RecordOutputs(record, request, hashed);
        SetStatus(record, RunStatus.Interrupted);
        record.Run!.EndedAt = Now;
        return new Change(record, new HistoryEntry { Kind = HistoryKinds.RunInterrupted, From = record.Phase, Message = cutOff }, DurableNow: true, Backup: true);
    }

    /// <summary>
    /// What a request records besides phases: its artifacts, tests and dependencies. A shared run's
    /// dependencies are added to (each writer's own references: none replaces another's); a run of
    /// one's are replaced.
    /// </summary>
    private static void RecordOutputs(BuildRecord record, AdvanceRequest request, List<ArtifactRecord> hashed)
    {
        MergeArtifacts(record, hashed);
        if (request.Tests is not null)
        {
            record.Tests = request.Tests;
        }

        if (request.Dependencies is null)
        {
            return;
        }

        if (record.Run?.Instances is not null)
        {
            AddDependencies(record, request.Dependencies);
        }
        else
        {
            record.Dependencies = request.Dependencies.Distinct(StringComparer.Ordinal).ToList();
        }
    }

    // checkpointName: the checkpoint tried, null when none was (a shared run whose part failed takes none though asked).
    private static string Describe(AdvanceRequest request, int artifacts, string? checkpointName, bool checkpointTaken)
    {
        var parts = new List<string>();
        if (request.Transitions.Count > 1)
        {
            parts.Add("through " + string.Join(" -> ", request.Transitions));
        }

        if (artifacts > 0)
        {
            parts.Add($"{artifacts} artifact(s)");
        }

        if (checkpointName is not null)
        {
            parts.Add(checkpointTaken ? $"checkpoint {checkpointName}" : $"checkpoint {checkpointName} unchanged, not taken again");
        }
        else if (request.CheckpointName is not null)
        {
            parts.Add($"no checkpoint {request.CheckpointName}: a part of this shared run failed");
        }

        if (request.Tests is { } tests)
        {
            parts.Add($"tests: {tests.Passed} passed, {tests.Failed} failed, {tests.Skipped} skipped");
        }

        if (request.Dependencies is not null)
        {
            parts.Add($"{request.Dependencies.Count} dependencies");
        }

        return string.Join(", ", parts);
    }
}
