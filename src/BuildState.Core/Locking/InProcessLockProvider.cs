using System.Collections.Concurrent;

namespace BuildState.Locking;

/// <summary>Locks that only exclude threads of this process; for stores on simulated file systems in tests.</summary>
public sealed class InProcessLockProvider : ILockProvider
{
    private readonly ConcurrentDictionary<string, object> _held = new(StringComparer.Ordinal);

    public IHeldLock? TryAcquire(string lockPath, string purpose, out string? previousOwner)
    {
        previousOwner = null;
        var token = new object();
        return _held.TryAdd(lockPath, token) ? new Held(this, lockPath) : null;
    }

    public string? DescribeOwner(string lockPath) => _held.ContainsKey(lockPath) ? "a thread of this process" : null;

    private sealed class Held(InProcessLockProvider owner, string path) : IHeldLock
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner._held.TryRemove(path, out _);
            }
        }
    }
}
