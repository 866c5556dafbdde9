using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using BuildState.Errors;
using BuildState.Model;
using BuildState.Store;
using Microsoft.Build.Framework;

namespace BuildState.Sdk.Session;

/// <summary>
/// Everything the SDK keeps for one build in one MSBuild node: open stores, the invocation's run id,
/// the contexts of the projects it records. Registered with build lifetime, so MSBuild disposes it
/// at the end of every build in every node (failed and cancelled builds included): that is where
/// runs still open are closed, so no run is left Running once the command has ended, and where the
/// fsyncs the build's run ends owe are paid in one group commit.
/// </summary>
internal sealed class BuildSession : IDisposable
{
    private const string RegistrationKey = "BuildState.Sdk.BuildSession";
    private static readonly object Gate = new();

    private readonly ConcurrentDictionary<string, BuildStore> _stores = new(StringComparer.Ordinal);
    // Lazy: run starts of several projects may ask at once from background threads, and a node
    // must join its invocation once.
    private readonly ConcurrentDictionary<string, Lazy<string>> _runIds = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ProjectContext> _contexts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _degraded = new(StringComparer.Ordinal);
    // Of string values, not byte: generic code over a value type is JIT-compiled in each MSBuild node (this shares _degraded's).
    private readonly ConcurrentDictionary<string, string> _badSettingsReported = new(StringComparer.Ordinal);
    private readonly ConcurrentBag<Task> _sweeps = [];
    private readonly ConcurrentDictionary<string, BuildStore.WriterRegistration> _writers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task<BuildStore.WriterRegistration?>> _registrations = new(StringComparer.Ordinal);
    // Of a class, not a tuple: generic code over a value type is JIT-compiled in each MSBuild node.
    private readonly ConcurrentQueue<BackgroundFailure> _backgroundFailures = new();
    // Files added to other builds' runs (BuildStateAddToLatestRun), looked at again at the end of the build.
    private readonly ConcurrentQueue<AddedFiles> _added = new();
    // Pack and Publish steps started and not yet ended, by project instance and step (StepCloser).
    private readonly ConcurrentDictionary<string, PendingStep> _steps = new(StringComparer.Ordinal);
    private readonly PosixSignalRegistration? _sigint;
    private volatile bool _cancelled;
    private readonly EntryProcessWatch _entry = EntryProcessWatch.Start();

    private BuildSession()
    {
        // Ctrl+C reaches the processes of the build; noting it lets the end of the build record
        // cut-off runs as Interrupted rather than Failed. Not cancelling the signal keeps MSBuild's own handling.
        try
        {
            _sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, _ => _cancelled = true);
        }
        catch (Exception e) when (e is PlatformNotSupportedException or IOException)
        {
            _sigint = null;
        }
    }

    /// <summary>The session of this build in this node, created on first use.</summary>
    public static BuildSession For(IBuildEngine engine)
    {
        if (engine is not IBuildEngine4 engine4)
        {
            return new BuildSession(); // hosts without IBuildEngine4 (some test hosts): a session per task
        }

        lock (Gate)
        {
            if (engine4.GetRegisteredTaskObject(RegistrationKey, RegisteredTaskObjectLifetime.Build) is BuildSession existing)
            {
                return existing;
            }

            var session = new BuildSession();
            engine4.RegisterTaskObject(RegistrationKey, session, RegisteredTaskObjectLifetime.Build, allowEarlyCollection: false);
            return session;
        }
    }

    /// <summary>
    /// The store at <paramref name="root"/>, opened on first use in this node and build. That first
    /// use registers the node as a writer of runs (a file the end of the build removes, so one left
    /// behind marks a killed node) and then looks for writers that died: only then does it mark the
    /// runs a kill cut off as Interrupted (the sweep, which reads every build's index entry). Both
    /// run on a background thread; run starts wait for the registration, the end of the build for
    /// both (<see cref="Dispose"/>). The sweep only changes runs whose owner process is gone, never
    /// one this build records.
    /// </summary>
    public BuildStore Store(string root, Func<StoreOptions> options)
    {
        if (_stores.TryGetValue(root, out var open))
        {
            return open;
        }

        lock (_stores) // one store object, one writer file and one sweep per store and node
        {
            // The options only on a node's first open: building them loads the store's lifecycle
            // registry and owner types, which every later call would pay for nothing.
            return _stores.TryGetValue(root, out open) ? open : _stores[root] = OpenStore(root, options());
        }
    }

    private BuildStore OpenStore(string root, StoreOptions options)
    {
        var store = BuildStore.Open(root, options);

        // Both in the background: the first project of the node does not wait for either. Run
        // starts wait for the registration (WaitUntilRegistered), so a kill after any run start
        // leaves this node's file behind.
        var registration = Task.Run(() =>
        {
            using var _ = SdkTrace.Time("begin.register");
            try
            {
                var self = store.RegisterWriter();
                _writers[store.Layout.Root] = self;
                return self;
            }
            catch (Exception e) when (e is BuildStateException or IOException or UnauthorizedAccessException)
            {
                return null; // a store this build cannot write is reported by the project's own first commit
            }
        });
        _registrations[store.Layout.Root] = registration;
        _sweeps.Add(registration.ContinueWith(
            done =>
            {
                using var _ = SdkTrace.Time("begin.sweep");
                try
                {
                    store.SweepAfterDeadWriters(done.Result);
                }
                catch (Exception e) when (e is BuildStateException or IOException or UnauthorizedAccessException)
                {
                    // A store this build cannot use is reported by the project's own first commit;
                    // the cut-off runs are marked by the next build that can.
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.None,
            TaskScheduler.Default));
        return store;
    }

    /// <summary>Waits until this node is registered as a writer of <paramref name="store"/> (or failed to be): before any run start.</summary>
    public void WaitUntilRegistered(BuildStore store)
    {
        if (_registrations.TryGetValue(store.Layout.Root, out var registration))
        {
            registration.Wait();
        }
    }

    /// <summary>The run id: the configured one, else the invocation the store's registry groups this node into.</summary>
    public string RunId(BuildStore store, string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured.Trim();
        }

        return _runIds.GetOrAdd(store.Layout.Root, _ => new Lazy<string>(() =>
            new InvocationRegistry(store).Join(InvocationRegistry.Fingerprint(Environment.GetEnvironmentVariables()), OwnerInfo.Current, DateTimeOffset.UtcNow, EntryProcess.Of(Environment.GetCommandLineArgs(), _entry.ParentAtStart)))).Value;
    }

    public void Add(ProjectContext context) => _contexts[context.Key] = context;

    public ProjectContext? Find(string key) => _contexts.TryGetValue(key, out var context) ? context : null;

    /// <summary>Any task other than the SDK's own three may change any build (a custom target's transition, a restore): every context reads its state again.</summary>
    public void ForgetCommittedStates()
    {
        foreach (var context in _contexts.Values)
        {
            context.WaitForBackgroundCommit();
            context.Committed = null;
        }
    }

    /// <summary>
    /// Files this node added to a build's run that no context of its own records (a package of a
    /// multi-targeted project, a pack or publish without a build): at the end of the build they are
    /// looked at again like a run's own outputs (<see cref="RunCloser.RefreshArtifacts"/>).
    /// </summary>
    public void RefreshAtBuildEnd(string root, BuildStore store, BuildState.Model.BuildRecord record, IReadOnlyList<ArtifactInput> added)
    {
        var entries = new List<BuildState.Model.ArtifactRecord>();
        foreach (var input in added)
        {
            var stored = store.ToStoredPath(store.ToFullPath(input.Path));
            if (record.Artifacts.Find(a => a.Path == stored) is { } entry)
            {
                entries.Add(entry);
            }
        }

        if (entries.Count > 0 && record.RunId is { } runId)
        {
            _added.Enqueue(new AddedFiles(root, store, record.Id, runId, entries));
        }
    }

    /// <summary>A Pack or Publish step of a project instance started (<paramref name="key"/>: the instance's context key).</summary>
    public void StepStarted(string key, PendingStep step) => _steps[key + "|" + step.Step] = step;

    /// <summary>The step ended: its target ran to its end.</summary>
    public void StepEnded(string key, string step) => _steps.TryRemove(key + "|" + step, out _);

    /// <summary>A background commit failed (<see cref="BackgroundCommit"/>): the next SDK task in this node reports it.</summary>
    public void BackgroundFailed(string root, string? file, string reason) => _backgroundFailures.Enqueue(new BackgroundFailure(root, file, reason));

    /// <summary>Failures of background commits not yet reported, each once.</summary>
    public IEnumerable<BackgroundFailure> TakeBackgroundFailures()
    {
        while (_backgroundFailures.TryDequeue(out var failure))
        {
            yield return failure;
        }
    }

    /// <summary>A store that failed once is not tried again in this build (one warning, not hundreds).</summary>
    public bool IsDegraded(string root, out string reason) => _degraded.TryGetValue(root, out reason!);

    public void MarkDegraded(string root, string reason) => _degraded.TryAdd(root, reason);

    /// <summary>True the first time a project instance's bad settings are reported in this build (the failed build's path starts its run again with the same settings).</summary>
    public bool FirstReportOfBadSettings(string contextKey) => _badSettingsReported.TryAdd(contextKey, contextKey);

    public void Dispose()
    {
        using var _ = SdkTrace.Time("session.dispose");
        _sigint?.Dispose();
        foreach (var sweep in _sweeps)
        {
            try
            {
                sweep.Wait(); // its changes are part of this build's group commit below
            }
            catch (AggregateException)
            {
                // an unexpected failure of the sweep; the next build sweeps again
            }
        }

        foreach (var context in _contexts.Values)
        {
            context.WaitForBackgroundCommit();
        }

        // Runs still open were cut off when the build was cancelled or its entry process died;
        // otherwise a target failed.
        var cutOff = _cancelled ? "the build was cancelled"
            : _entry.EntryGone ? "the build's entry process ended before this node's part of the build did (killed?)"
            : null;
        var unclosed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var context in _contexts.Values)
        {
            if (!context.HasStore)
            {
                continue; // opening it failed in the background (reported as BST1001): nothing was recorded
            }

            try
            {
                RunCloser.CloseAtBuildEnd(context, cutOff);
            }
            catch (Exception e) when (e is BuildStateException or IOException or UnauthorizedAccessException)
            {
                // The build is over; a store that cannot be written now is found by the next sweep
                // (this node's writer file stays, below).
                unclosed.Add(context.StoreRoot);
                continue;
            }

            try
            {
                if (!IsDegraded(context.StoreRoot, out var degraded))
                {
                    RunCloser.RefreshArtifacts(context);
                }
            }
            catch (Exception e) when (e is BuildStateException or IOException or UnauthorizedAccessException)
            {
                // The run is closed; its hashes stay those taken when the outputs were recorded.
            }
        }

        foreach (var added in _added)
        {
            try
            {
                if (!IsDegraded(added.Root, out var degraded))
                {
                    added.Store.RefreshArtifacts(added.BuildId, added.RunId, added.Entries);
                }
            }
            catch (Exception e) when (e is BuildStateException or IOException or UnauthorizedAccessException)
            {
                // The files stay as they were recorded.
            }
        }

        // A Pack or Publish that started and did not end failed (or was cut off): after the runs
        // above are closed, so that a run this build left open has its own reason first.
        foreach (var step in _steps.Values)
        {
            if (!IsDegraded(step.StoreRoot, out var degraded))
            {
                StepCloser.Close(step, cutOff);
            }
        }

        foreach (var store in _stores.Values)
        {
            try
            {
                store.Flush(); // the group commit of this build's durable points in this node
            }
            catch (Exception e) when (e is BuildStateException or IOException or UnauthorizedAccessException)
            {
                // No logger is left at this point; what was not made durable is still written, and a
                // power loss before the OS writes it back is recovered from history like a torn file.
            }
        }

        foreach (var (root, lazyRunId) in _runIds)
        {
            if (!lazyRunId.IsValueCreated)
            {
                continue; // its join failed: nothing to leave
            }

            var runId = lazyRunId.Value;
            try
            {
                if (_stores.TryGetValue(root, out var store))
                {
                    new InvocationRegistry(store).Leave(runId, OwnerInfo.Current, DateTimeOffset.UtcNow);
                }
            }
            catch (Exception e) when (e is BuildStateException or IOException or UnauthorizedAccessException)
            {
            }
        }

        // Last: this node's runs are closed, so its writer file goes. Where closing failed it stays,
        // and the next build that finds it (its process gone by then) sweeps.
        foreach (var (root, writer) in _writers)
        {
            if (!unclosed.Contains(root))
            {
                writer.Dispose();
            }
        }
    }
}

/// <summary>Files added to another build's run, as recorded (<see cref="BuildSession.RefreshAtBuildEnd"/>).</summary>
internal sealed record AddedFiles(string Root, BuildStore Store, string BuildId, string RunId, List<BuildState.Model.ArtifactRecord> Entries);

/// <summary>A background commit's failure, for the next SDK task in the node to report.</summary>
internal sealed record BackgroundFailure(string Root, string? File, string Reason);
