namespace BuildState.Locking;

/// <summary>Takes one named exclusive lock without waiting. <see cref="LockManager"/> adds waiting, order and the timeout.</summary>
public interface ILockProvider
{
    /// <summary>The held lock, or null when someone else holds it. <paramref name="previousOwner"/> reports a lock left behind by a dead owner.</summary>
    IHeldLock? TryAcquire(string lockPath, string purpose, out string? previousOwner);

    /// <summary>Who holds the lock now, for the timeout message, or null when unknown.</summary>
    string? DescribeOwner(string lockPath);
}

/// <summary>A held lock; disposing releases it.</summary>
public interface IHeldLock : IDisposable
{
}

/// <summary>
/// A provider that waits by itself (woken by the operating system when the lock is free, in arrival
/// order) instead of being polled by <see cref="LockManager"/>.
/// </summary>
internal interface IWaitingLockProvider : ILockProvider
{
    /// <summary>The held lock, or null when it was not free within <paramref name="timeout"/>.</summary>
    IHeldLock? Acquire(string lockPath, string purpose, TimeSpan timeout, out string? previousOwner);
}
