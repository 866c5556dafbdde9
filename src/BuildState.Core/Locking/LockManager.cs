using System.Collections.Concurrent;
using System.Diagnostics;
using BuildState.Errors;

namespace BuildState.Locking;

/// <summary>
/// Waits for locks up to a timeout, and keeps the one lock order of the store: build locks first
/// (in ordinal order of their keys), the index lock last. Nothing ever waits for a build lock while
/// holding the index lock, so no two lockers can wait on each other. Threads of one process queue on
/// an in-process gate first, so only one of them at a time touches the file lock (MSBuild runs the
/// tasks of many projects in one process); the gate is not reentrant: a thread that asks again for
/// a lock it holds waits for itself until the timeout. Across processes a provider that can wait
/// (<see cref="FileLockProvider"/> on Unix: the kernel wakes waiters in arrival order) waits by
/// itself; any other is polled with backoff.
/// </summary>
public sealed class LockManager
{
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new(StringComparer.Ordinal);

    private readonly ILockProvider _provider;
    private readonly TimeSpan _timeout;
    private long _staleBroken;
    private long _waitTicks;

    public LockManager(ILockProvider provider, TimeSpan timeout)
    {
        _provider = provider;
        _timeout = timeout;
    }

    /// <summary>How many locks left behind by dead owners this manager has broken.</summary>
    public long StaleLocksBroken => Interlocked.Read(ref _staleBroken);

    /// <summary>Total time spent waiting for locks.</summary>
    public TimeSpan TotalWait => TimeSpan.FromTicks(Interlocked.Read(ref _waitTicks));

    /// <summary>Raised when a stale lock is broken, with the lock path and the dead owner.</summary>
    public event Action<string, string>? StaleLockBroken;

    /// <summary>
    /// Raised after every lock taken, with the lock path and how long taking it took: the wait on the
    /// in-process gate plus the wait for the file lock. For measurements only
    /// (build/Bench.Concurrency reports lock-wait percentiles from it); nothing in the store
    /// subscribes, and without a subscriber it costs one null check per lock. Handlers run on the
    /// acquiring thread while the lock is held: keep them short (one that throws fails the acquire).
    /// </summary>
    public event Action<string, TimeSpan>? Acquired;

    /// <summary>Takes the lock or throws a <see cref="StoreErrorKind.LockTimeout"/> error naming its holder.</summary>
    public IDisposable Acquire(string lockPath, string purpose)
    {
        var started = Stopwatch.GetTimestamp();
        var gate = Gates.GetOrAdd(lockPath, _ => new SemaphoreSlim(1, 1));
        if (!gate.Wait(_timeout))
        {
            throw Timeout(lockPath, started);
        }

        try
        {
            // The gate's wait counts against the timeout too.
            var remaining = _timeout - Stopwatch.GetElapsedTime(started);
            if (remaining < TimeSpan.Zero)
            {
                remaining = TimeSpan.Zero;
            }

            var held = _provider is IWaitingLockProvider waiting
                ? waiting.Acquire(lockPath, purpose, remaining, out var previousOwner)
                : LockPolling.Acquire(_provider, lockPath, purpose, remaining, out previousOwner);
            if (held is null)
            {
                throw Timeout(lockPath, started);
            }

            if (previousOwner is not null)
            {
                Interlocked.Increment(ref _staleBroken);
                StaleLockBroken?.Invoke(lockPath, previousOwner);
            }

            var waited = Stopwatch.GetElapsedTime(started);
            Interlocked.Add(ref _waitTicks, waited.Ticks);
            if (Acquired is { } observer)
            {
                try
                {
                    observer(lockPath, waited);
                }
                catch
                {
                    held.Dispose(); // a throwing observer must not leave the lock taken (the gate is released below)
                    throw;
                }
            }

            return new Release(held, gate);
        }
        catch
        {
            gate.Release();
            throw;
        }
    }

    /// <summary>
    /// Takes the lock only if it is free now (no wait, no queue); null otherwise. For work that is
    /// optional when someone else holds the lock (folding the index journal: the holder is folding
    /// or rebuilding it), so that it never holds up the caller.
    /// </summary>
    public IDisposable? TryAcquire(string lockPath, string purpose)
    {
        var gate = Gates.GetOrAdd(lockPath, _ => new SemaphoreSlim(1, 1));
        if (!gate.Wait(0))
        {
            return null;
        }

        try
        {
            var held = _provider.TryAcquire(lockPath, purpose, out var previousOwner);
            if (held is null)
            {
                gate.Release();
                return null;
            }

            if (previousOwner is not null)
            {
                Interlocked.Increment(ref _staleBroken);
                StaleLockBroken?.Invoke(lockPath, previousOwner);
            }

            return new Release(held, gate);
        }
        catch
        {
            gate.Release();
            throw;
        }
    }

    private BuildStateException Timeout(string lockPath, long started)
    {
        var owner = _provider.DescribeOwner(lockPath);
        var elapsed = Stopwatch.GetElapsedTime(started);
        return new BuildStateException(
            StoreErrorKind.LockTimeout,
            $"timed out after {elapsed.TotalSeconds:0.#} s waiting for the lock{(owner is null ? "" : $", held by {owner}")}; "
            + "let that process finish (end it if it hangs), or wait longer: --lock-timeout (buildstate), BuildStateLockTimeout (builds)",
            lockPath);
    }

    private sealed class Release(IHeldLock held, SemaphoreSlim gate) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
            {
                try
                {
                    held.Dispose();
                }
                finally
                {
                    gate.Release();
                }
            }
        }
    }
}
