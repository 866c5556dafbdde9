using System.Diagnostics;

namespace BuildState.Locking;

/// <summary>
/// Waiting by polling: tries with exponential backoff and jitter (0.5 ms doubling to 25 ms) until the
/// timeout. Not fair (a releaser that asks again at once usually wins over a sleeping waiter); used
/// only where no kernel wait exists: Windows' share-mode locks and providers that can only try.
/// </summary>
internal static class LockPolling
{
    public static IHeldLock? Acquire(ILockProvider provider, string lockPath, string purpose, TimeSpan timeout, out string? previousOwner)
    {
        var started = Stopwatch.GetTimestamp();
        var delay = TimeSpan.FromMilliseconds(0.5);
        while (true)
        {
            var held = provider.TryAcquire(lockPath, purpose, out previousOwner);
            if (held is not null)
            {
                return held;
            }

            var elapsed = Stopwatch.GetElapsedTime(started);
            if (elapsed >= timeout)
            {
                return null;
            }

            // Jitter, so that many waiters do not retry in step; capped, so that none sleeps long.
            var jitter = Random.Shared.NextDouble() * 0.5 + 0.75;
            var sleep = TimeSpan.FromTicks(Math.Min((long)(delay.Ticks * jitter), (timeout - elapsed).Ticks));
            Thread.Sleep(sleep < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : sleep);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromMilliseconds(25).Ticks));
        }
    }
}
