using BuildState.Errors;
using BuildState.Lifecycle;
using BuildState.Model;
using BuildState.Store;

namespace BuildState.Sdk.Session;

/// <summary>How runs end: normally from the targets, and at the end of the build for whatever is still open.</summary>
internal static class RunCloser
{
    /// <summary>
    /// Walks a successful default-lifecycle run to Complete from wherever it is (Build or Test), with
    /// the outputs and an optional checkpoint, as one commit. Decided on the state this node last
    /// committed when it has it (no read back), else on the stored one; a step refused because the
    /// build moved on meanwhile is decided again from the stored state.
    /// </summary>
    public static void Complete(ProjectContext context, IReadOnlyList<ArtifactInput>? artifacts = null, string? checkpoint = null)
    {
        if (context.Committed is { } known)
        {
            try
            {
                CompleteFrom(known, context, artifacts, checkpoint);
                return;
            }
            catch (BuildStateException e) when (e.Kind == StoreErrorKind.Validation)
            {
                // Another writer moved the build on: decide again from what is stored.
            }
        }

        CompleteFrom(context.Store.Get(context.BuildId), context, artifacts, checkpoint);
    }

    private static void CompleteFrom(BuildRecord record, ProjectContext context, IReadOnlyList<ArtifactInput>? artifacts, string? checkpoint)
    {
        if (record.Run?.EndedAt is not null)
        {
            context.DefaultRunEnded = true;
            return;
        }

        IReadOnlyList<string> path = record.Phase is DefaultLifecycle.Build or DefaultLifecycle.Test
            ? [DefaultLifecycle.Cleanup, DefaultLifecycle.Complete]
            : [DefaultLifecycle.Complete];

        // After tests the outputs are those of the run's "before-test" checkpoint: a "built" one
        // here would hold the same files at another phase, so `dotnet build` and `dotnet test` in
        // turn would each take one and rotate out the checkpoint of the last real change.
        if (record.Phase == DefaultLifecycle.Test)
        {
            checkpoint = null;
        }

        var tests = record.Phase == DefaultLifecycle.Test ? TrxResults.Read(context.TestResults, context.TestsStartedAt, context.TestAssembly) : null;
        context.Committed = context.Store.Advance(context.BuildId, new AdvanceRequest
        {
            Tests = tests is { } t ? Stored(context, t.Counts) : null,
            Artifacts = artifacts ?? [],
            CheckpointName = checkpoint,
            CheckpointCopiesArtifacts = context.CheckpointArtifacts,
            Transitions = path,
            EndsInstance = true, // of a run shared with other instances, only the last one's walk happens
        });
        context.DefaultRunEnded = true;
    }

    /// <summary>
    /// After Build: the outputs recorded, and the run completed, or (tests follow) moved on to Test
    /// with a "before-test" checkpoint. BuildStateFinishRun's work, outside the task class so it
    /// keeps its ReadyToRun code (see <see cref="RunStarter"/>).
    /// </summary>
    public static void Finish(ProjectContext context, IReadOnlyList<ArtifactInput> artifacts, bool testsFollow)
    {
        try
        {
            FinishWith(context, artifacts, testsFollow);
        }
        catch (BuildStateException e) when (IsOneOf(e.FilePath, artifacts))
        {
            // An output there when the task looked was gone when it was hashed, moments later in the
            // background (a target after Build moved or deleted it): nothing was written, and the
            // run is not left open for that; it ends with the outputs that are there now.
            FinishWith(context, ArtifactRecorder.Existing(artifacts), testsFollow);
        }
    }

    private static void FinishWith(ProjectContext context, IReadOnlyList<ArtifactInput> artifacts, bool testsFollow)
    {
        if (testsFollow)
        {
            context.Committed = context.Store.Advance(context.BuildId, new AdvanceRequest
            {
                Artifacts = artifacts,
                CheckpointName = context.AutoCheckpoints ? "before-test" : null,
                CheckpointCopiesArtifacts = context.CheckpointArtifacts,
                Transitions = [DefaultLifecycle.Test],
            });
            return;
        }

        Complete(context, artifacts, context.AutoCheckpoints ? "built" : null);
    }

    private static TestResults Stored(ProjectContext context, TestResults counts)
    {
        counts.Source = counts.Source is null ? null : context.Store.ToStoredPath(counts.Source);
        return counts;
    }

    /// <summary>
    /// The end of the build came before the run ended: a target failed, or the build was cut off.
    /// Compiler errors from the SARIF log are recorded; the run ends in Error (Failed), or
    /// Interrupted with <paramref name="cutOff"/> as its reason when Ctrl+C or the death of the
    /// build's entry process cut the build off (null: not cut off).
    /// </summary>
    public static void CloseAtBuildEnd(ProjectContext context, string? cutOff)
    {
        foreach (var machineBuild in context.OpenMachineRuns)
        {
            var record = context.Store.TryGet(machineBuild);
            if (record?.Run is { EndedAt: null })
            {
                var why = context.MachineFailures.TryGetValue(machineBuild, out var failure)
                    ? failure
                    : "the build ended before this lifecycle reached a terminal phase";
                context.Store.EndRun(machineBuild, RunOutcome.Failed, why);
            }
        }

        if (context.DefaultRunEnded)
        {
            return;
        }

        var current = context.Store.TryGet(context.BuildId);
        if (current?.Run is not { EndedAt: null } || current.RunId != context.RunId)
        {
            return;
        }

        if (!context.RunStarted && current.Run.Instances is not null)
        {
            return; // a run other instances share, which this one never joined (its start failed): theirs to end
        }

        var errors = SarifErrors.Read(context.ErrorLogPath, context.StartedAt);
        if (context.ErrorLogIsProbes)
        {
            DeleteProbeLog(context.ErrorLogPath!);
        }

        foreach (var error in errors)
        {
            error.File = error.File is null ? null : context.Store.ToStoredPath(error.File);
            context.Store.RecordError(context.BuildId, error);
        }

        // A broken lifecycle table stopped the build (its error is the run's, with its place).
        string? tableFailure = null;
        if (context.TableError is { } tableError && cutOff is null)
        {
            tableError.File = tableError.File is null ? null : context.Store.ToStoredPath(tableError.File);
            tableFailure = $"a lifecycle table has an error: {tableError.File}({tableError.Line},{tableError.Column}): {tableError.Code} {tableError.Message}";
            context.Store.RecordError(context.BuildId, tableError);
        }

        // Failed tests fail VSTest, so a run with failures ends here: its counts and failed tests
        // are recorded in one change before the run ends.
        string? failedTests = null;
        if (current.Phase == DefaultLifecycle.Test && TrxResults.Read(context.TestResults, context.TestsStartedAt, context.TestAssembly) is { } tests)
        {
            failedTests = tests.Counts.Failed > 0 ? $"{tests.Counts.Failed} of {tests.Counts.Total} tests failed" : null;
            context.Store.Update(context.BuildId, record =>
            {
                record.Tests = Stored(context, tests.Counts);
                foreach (var failure in tests.Failures)
                {
                    failure.File = failure.File is null ? null : context.Store.ToStoredPath(failure.File);
                    failure.Phase = DefaultLifecycle.Test;
                    failure.At = DateTimeOffset.UtcNow;
                    record.Errors.Add(failure);
                }
            }, $"tests: {tests.Counts.Passed} passed, {tests.Counts.Failed} failed, {tests.Counts.Skipped} skipped");
        }

        // A background commit that failed (reported as BST1001) left the run open although the
        // build may have succeeded: the recording, not the build, was cut off.
        var reason = context.RecordingFailed ? "the store could not record the end of this run (warning BST1001)"
            : cutOff ?? failedTests ?? tableFailure ?? FailureReason(context, current, errors.Count);
        // A part of a shared run whose recording failed is not a cut-off build: as Interrupted its
        // reason would stand for the whole run and turn another part's real failure into one.
        var outcome = cutOff is not null || (context.RecordingFailed && current.Run.Instances is null) ? RunOutcome.Interrupted : RunOutcome.Failed;
        var outputs = outcome == RunOutcome.Failed && !context.RecordingFailed ? BuiltOutputs(context, current, errors.Count) : [];
        try
        {
            context.Store.EndRun(context.BuildId, outcome, reason, endsInstance: context.RunStarted, outputs);
        }
        catch (BuildStateException e) when (IsOneOf(e.FilePath, outputs))
        {
            // An output that went away or could not be read while it was hashed (before anything was
            // written): the run still ends, without them.
            context.Store.EndRun(context.BuildId, outcome, reason, endsInstance: context.RunStarted);
        }

        context.DefaultRunEnded = true;
    }

    /// <summary>
    /// At the end of the build, after the runs are closed: the run's artifacts whose files changed
    /// since the run recorded them are hashed again, and those that are gone no longer listed
    /// (<see cref="BuildStore.RefreshArtifacts"/>). A project's outputs are recorded (and hashed, in
    /// the background) as soon as Build ends, but a target after it (one from Directory.Build.targets
    /// or another package: signing, merging, an obfuscator, a move) may still rewrite or move them;
    /// the run's artifacts are then the files the build left. A stat per output in a build where
    /// nothing touched them. docs/msbuild.md, "Outputs rewritten after Build".
    /// </summary>
    public static void RefreshArtifacts(ProjectContext context)
    {
        if (!context.DefaultRunEnded || context.RecordingFailed || context.RunId.Length == 0)
        {
            return;
        }

        // What this node last committed (a no-op build reads nothing); after another task changed
        // the build (a pack's files, a custom target's), what the store holds.
        var known = context.Committed ?? context.Store.TryGet(context.BuildId);
        if (known is not null && known.Artifacts.Count > 0 && string.Equals(known.RunId, context.RunId, StringComparison.Ordinal))
        {
            context.Store.RefreshArtifacts(context.BuildId, context.RunId, known.Artifacts, context.AutoCheckpoints);
        }
    }

    private static bool IsOneOf(string? path, IReadOnlyList<ArtifactInput> outputs)
    {
        foreach (var output in outputs)
        {
            if (string.Equals(output.Path, path, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The outputs a run that failed in Build had built: a target failed after the compile (after
    /// Build, in AfterBuild or a target hooked after it; or in CoreBuild after CoreCompile, a
    /// post-build event), or after a compile skipped as up to date, so the files on disk are this
    /// build's. Those that exist, the same set as after a successful Build. None when the compile
    /// failed (or a target before it, once the run was in Build): the files on disk are then an
    /// earlier build's. Hashed with the other changes of the run's end, on this failure path only.
    /// </summary>
    private static List<ArtifactInput> BuiltOutputs(ProjectContext context, BuildRecord current, int compilerErrors) =>
        current.Phase == DefaultLifecycle.Build && compilerErrors == 0 && !context.CompileFailed && context.RecordArtifacts
            ? ArtifactRecorder.Existing(context.Outputs)
            : [];

    /// <summary>
    /// What a failed build's run says about why, from what the SDK can see: MSBuild gives tasks no
    /// other target's errors, so beyond the compiler's (from its error log) the phase tells where.
    /// </summary>
    private static string FailureReason(ProjectContext context, BuildRecord current, int compilerErrors)
    {
        if (compilerErrors > 0)
        {
            return $"the compile failed with {compilerErrors} error(s)";
        }

        if (current.Phase == DefaultLifecycle.Build)
        {
            // Where in Build, as far as the SDK can tell: CoreBuild's error handling notes a failure
            // inside the standard build (BuildStateProbeCompileErrors); none means a target after it.
            return context.CompileFailed ? "the build ended in phase Build before the run completed (a target failed: the compile, or a target before it)"
                : context.CoreBuildFailed ? "the build ended in phase Build before the run completed (a target failed after the compile, before Build ended: copying the outputs, the post-build event, or a target of the project's own)"
                : "the build ended in phase Build before the run completed (a target failed after Build: AfterBuild, or a target of the project's own that runs after Build)";
        }

        if (current.Phase != DefaultLifecycle.Setup)
        {
            return $"the build ended in phase {current.Phase} before the run completed (a target failed)";
        }

        // Its references as its build last recorded them (a failed run keeps them): one that did
        // not build in this invocation is the likely cause. Only on this failure path.
        var failed = new List<string>();
        foreach (var dependency in current.Dependencies)
        {
            try
            {
                if (context.Store.TryGet(dependency) is { } built && built.RunId == current.RunId && built.Status != RunStatus.Succeeded)
                {
                    failed.Add(dependency);
                }
            }
            catch (BuildStateException)
            {
                // unreadable: not named
            }
        }

        return failed.Count > 0
            ? $"the build ended in phase Setup before the run completed: a reference did not build ({string.Join(", ", failed)})"
            : "the build ended in phase Setup before the run completed (a target failed before the compile: a reference that did not build, or a target of the project's own)";
    }

    /// <summary>The probe's log holds nothing the store does not once read (and lists every suppressed analyzer result: it can be large).</summary>
    private static void DeleteProbeLog(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // left in obj/: harmless, and the next probe deletes it before it runs
        }
    }
}
