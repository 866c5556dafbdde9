using BuildState.IO;
using BuildState.Locking;

namespace BuildState.Core.Tests.Locking;

/// <summary>What the tests look at from outside a lock: whether a waiter has queued at its turnstile.</summary>
internal static class LockProbe
{
    /// <summary>Whether some open file (another process, or a waiting thread here) holds the lock file's turnstile.</summary>
    public static bool TurnstileTaken(string lockPath)
    {
        var fd = Posix.Open(lockPath, Posix.O_RDWR | Posix.O_CLOEXEC, 0);
        if (fd < 0)
        {
            return false;
        }

        try
        {
            return OfdLocks.IsLockedByAnother(fd, FileLockProvider.TurnstileOffset);
        }
        finally
        {
            Posix.Close(fd);
        }
    }

    /// <summary>Waits until a waiter holds the turnstile (it is queued in the kernel), or fails.</summary>
    public static void WaitForQueuedWaiter(string lockPath)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!TurnstileTaken(lockPath))
        {
            Assert.True(DateTime.UtcNow < deadline, "no waiter queued at the turnstile within 60 s");
            Thread.Sleep(5);
        }
    }
}
