using System.Collections;
using BuildState.Lifecycle;
using BuildState.Model;
using BuildState.Sdk.Session;
using BuildState.Store;

namespace BuildState.Sdk.TestRecorder;

/// <summary>
/// Writes a Microsoft.Testing.Platform session as a run of the test project's build, the way
/// `dotnet test --no-build` is recorded under VSTest. At its start: Init -> Setup -> Build -> Test
/// (metadata msbuild.noBuild: this run built nothing), owned by the test process. At its end: the
/// tested assembly as its artifact, the counts and the failed tests as errors, then Cleanup ->
/// Complete when the session ran to its end with exit code 0; else the run Interrupted (the session
/// aborted, or its `dotnet test` stopped) or Failed.
/// </summary>
internal static class SessionRecorder
{
    /// <summary>The platform's "the session was aborted" exit code (Ctrl+C, a cancelled run).</summary>
    private const int Aborted = 3;

    /// <summary>How often the start's recorder looks whether the test process is still there.</summary>
    private static readonly TimeSpan WatchInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>The session's start: its run, in Test, owned by the test process (which the end finds and goes on with).</summary>
    public static BuildRecord Begin(RecorderSettings settings, TestSession session, IDictionary environment)
    {
        var (store, buildId) = Open(settings, session);
        return StartRun(store, buildId, settings, session, environment);
    }

    /// <summary>
    /// After the start: waits while the test process lives (it records its session's end itself,
    /// before it exits). One that dies without that (killed, Environment.FailFast, a stack overflow)
    /// leaves its run open, which is then marked Interrupted here, as a killed build's is later.
    /// </summary>
    public static void Watch(RecorderSettings settings, TestSession session, BuildRecord started)
    {
        if (started.Run?.Owner is not { } owner || owner.ProcessId != session.ProcessId)
        {
            return; // the run is not the test process's (it was gone already): nothing to watch
        }

        while (ProcessLiveness.Check(owner) == Liveness.Alive)
        {
            Thread.Sleep(WatchInterval);
        }

        var (store, buildId) = Open(settings, session); // a new store object: the end was written by another process
        if (IsBegun(store.TryGet(buildId), session))
        {
            store.EndRun(buildId, RunOutcome.Interrupted, "the test process ended before its test session was recorded (killed, or crashed: Environment.FailFast, a stack overflow)");
        }
    }

    /// <summary>
    /// The session's end: the run its start began (or, when that recorder failed or came from an
    /// older hook, a run started now with the same times), then its results and its end.
    /// </summary>
    public static BuildRecord Record(RecorderSettings settings, TestSession session, IDictionary environment)
    {
        var (store, buildId) = Open(settings, session);
        if (!IsBegun(store.TryGet(buildId), session))
        {
            StartRun(store, buildId, settings, session, environment);
        }

        var artifacts = settings.RecordArtifacts && settings.TestAssembly is { } assembly && File.Exists(assembly)
            ? [new ArtifactInput(assembly, "assembly")]
            : Array.Empty<ArtifactInput>();
        var counts = settings.RecordTestResults
            ? new TestResults { Passed = session.Passed, Failed = session.Failed, Skipped = session.Skipped, Total = session.Passed + session.Failed + session.Skipped }
            : null;
        var succeeded = session.ExitCode == 0 && session.Finished;
        var listsFailures = settings.RecordTestResults && session.Failures.Count > 0;
        if (succeeded && !listsFailures)
        {
            return store.Advance(buildId, new AdvanceRequest
            {
                Artifacts = artifacts,
                Tests = counts,
                Transitions = [DefaultLifecycle.Cleanup, DefaultLifecycle.Complete],
                Message = Summary(session),
            });
        }

        // The failed tests, whatever the outcome (a run told to ignore exit code 2 still says
        // which tests failed), and a failed session's exit code, in one change.
        store.Advance(buildId, new AdvanceRequest { Artifacts = artifacts, Tests = counts, Message = Summary(session) });
        store.Update(buildId, record =>
        {
            if (!succeeded)
            {
                record.Metadata["tests.exitCode"] = session.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            if (settings.RecordTestResults)
            {
                AddFailures(store, record, session);
            }
        }, session.Failed > 0 ? $"failed tests: {session.Failed}" : $"exit code {session.ExitCode}");

        if (succeeded)
        {
            return store.Advance(buildId, new AdvanceRequest { Transitions = [DefaultLifecycle.Cleanup, DefaultLifecycle.Complete] });
        }

        if (session.ExitCode == Aborted)
        {
            return store.EndRun(buildId, RunOutcome.Interrupted, "the test session was aborted (exit code 3)");
        }

        if (session.UnderDotnetTest && LauncherProcess.LostDotnetTest(session.ProcessId))
        {
            return store.EndRun(buildId, RunOutcome.Interrupted, $"the dotnet test that started these tests was stopped before they ended (exit code {session.ExitCode})");
        }

        return store.EndRun(buildId, RunOutcome.Failed,
            !session.Finished ? $"the test process exited before its test session ended (exit code {session.ExitCode}; a test called Environment.Exit?)"
            : session.Failed > 0 ? $"{session.Failed} of {session.Passed + session.Failed + session.Skipped} tests failed (exit code {session.ExitCode})"
            : $"the test session ended with exit code {session.ExitCode} ({Meaning(session.ExitCode)})");
    }

    private static void AddFailures(BuildStore store, BuildRecord record, TestSession session)
    {
        foreach (var failure in session.Failures.Take(TrxResults.MaxFailures))
        {
            var error = TrxResults.Failure(failure.Name, failure.Outcome, failure.Message, failure.StackTrace, "TestingPlatform");
            error.File = error.File is null ? null : store.ToStoredPath(error.File);
            error.Phase = DefaultLifecycle.Test;
            error.At = session.EndedAt;
            record.Errors.Add(error);
        }

        var more = session.Failed - Math.Min(session.Failures.Count, TrxResults.MaxFailures);
        if (more > 0)
        {
            record.Errors.Add(new ErrorRecord { Target = "TestingPlatform", Phase = DefaultLifecycle.Test, At = session.EndedAt, Message = $"and {more} more failed tests" });
        }
    }

    private static bool SamePath(string a, string b) =>
        string.Equals(Path.GetFullPath(a), Path.GetFullPath(b), OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);

    private static (BuildStore Store, string BuildId) Open(RecorderSettings settings, TestSession session)
    {
        // A copy of the output run elsewhere (another folder, a container's stage) still names the
        // settings of the build it was copied from: its session is not that build's to record.
        if (session.Assembly is { } ran && settings.TestAssembly is { } built && !SamePath(ran, built))
        {
            throw new InvalidDataException($"this test application runs from {ran}, not from where it was built ({built}): its session is not recorded in that build's store");
        }

        var storeRoot = StoreLocator.StoreRoot(Path.GetDirectoryName(settings.Project)!, settings.StoreRoot);
        var buildId = StoreLocator.BuildId(Path.GetDirectoryName(storeRoot)!, settings.Project, settings.Configuration, settings.TargetFramework);
        var store = BuildStore.Open(storeRoot, SdkStoreOptions.For(storeRoot, settings.Durability, settings.MaxCheckpoints, settings.MaxBackups, settings.LockTimeoutSeconds));
        return (store, buildId);
    }

    /// <summary>Init -> Setup -> Build -> Test at the session's start (one commit), owned by the test process while it runs.</summary>
    private static BuildRecord StartRun(BuildStore store, string buildId, RecorderSettings settings, TestSession session, IDictionary environment)
    {
        var allowList = (settings.EnvironmentAllowList ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var metadata = EnvironmentCapture.Capture(allowList, environment);
        metadata["msbuild.configuration"] = settings.Configuration ?? "";
        metadata["msbuild.targetFramework"] = settings.TargetFramework ?? "";
        metadata["msbuild.noBuild"] = "true";
        metadata["tests.platform"] = "Microsoft.Testing.Platform";
        return store.StartRun(buildId, new StartRunRequest
        {
            RunId = RunId(store, buildId, session, environment),
            Metadata = metadata,
            ReplaceMetadata = true,
            Owner = session.ProcessId > 0 ? OwnerInfo.Of(session.ProcessId) : null, // the test process: it outlives the recorder, and its death leaves the run to be marked Interrupted
            StartedAt = session.StartedAt,
            ThenTransitionTo = DefaultLifecycle.Setup,
            AndThen = [DefaultLifecycle.Build, DefaultLifecycle.Test],
            AndThenAt = session.StartedAt,
        });
    }

    /// <summary>The run this session's start began: still open, in Test, owned by the same test process.</summary>
    private static bool IsBegun(BuildRecord? record, TestSession session) =>
        session.ProcessId > 0
        && record is { Phase: DefaultLifecycle.Test, Run: { EndedAt: null, Owner: { } owner } }
        && owner.ProcessId == session.ProcessId
        && string.Equals(owner.Host, Environment.MachineName, StringComparison.OrdinalIgnoreCase)
        && record.Metadata.ContainsKey("tests.platform");

    /// <summary>
    /// BUILDSTATE_RUN_ID as the tests see it (a CI step that tests what an earlier step built sets
    /// its own). Else, under `dotnet test`, the run id of that command: its build's, when the
    /// project's latest run ended after the `dotnet test` process started (it built the project,
    /// with BuildStateRunId if it was given one, and its nodes shared one id); otherwise (the
    /// no-build option) one id for every session the same `dotnet test` process starts, kept in
    /// the invocation registry while that process lives. A session started any other way is an
    /// invocation of its own. (BuildStateRunId as some earlier build had it is not used: it named
    /// that build's invocation, not a later test run.)
    /// </summary>
    private static string RunId(BuildStore store, string buildId, TestSession session, IDictionary environment)
    {
        if (Text(environment["BUILDSTATE_RUN_ID"] as string) is { } named)
        {
            return named;
        }

        if (session.UnderDotnetTest && LauncherProcess.Of(session.ProcessId) is { ProcessStartedAt: { } launched } launcher)
        {
            if (store.TryGet(buildId) is { Run.EndedAt: { } ended, RunId: { } built } && ended >= launched)
            {
                return built;
            }

            // Keyed by the process id alone: a start time read from /proc differs by milliseconds
            // between readers. A later process with the same id does not join: the invocation's
            // participant is the launcher with its start time, dead by then.
            return new InvocationRegistry(store).Join($"dotnet test {launcher.Host} {launcher.ProcessId}", launcher, DateTimeOffset.UtcNow);
        }

        return InvocationRegistry.NewRunId(DateTimeOffset.UtcNow);
    }

    private static string Summary(TestSession session) =>
        $"tests: {session.Passed} passed, {session.Failed} failed, {session.Skipped} skipped (Microsoft.Testing.Platform, exit code {session.ExitCode})";

    /// <summary>The platform's exit codes (https://aka.ms/testingplatform/exitcodes) that end a session without a failed test.</summary>
    private static string Meaning(int exitCode) => exitCode switch
    {
        1 => "an unknown error",
        4 => "the test platform's setup is invalid",
        5 => "invalid command line arguments",
        6 => "a feature the platform does not implement",
        7 => "the test host process exited unexpectedly",
        8 => "no test ran",
        9 => "fewer tests ran than the minimum expected",
        10 => "the test adapter reported a failure",
        11 => "a process the tests depend on exited",
        13 => "the run stopped at its maximum of failed tests",
        _ => "see https://aka.ms/testingplatform/exitcodes",
    };

    private static string? Text(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
