using System.Diagnostics;
using System.Runtime.InteropServices;
using BuildState.Errors;
using BuildState.IO;

namespace BuildState.Locking;

/// <summary>Where a waiter stands in front of a lock file's <c>flock</c>.</summary>
internal enum QueuePlace
{
    /// <summary>Not queued yet: the turnstile is held by a waiter ahead.</summary>
    BehindTurnstile,

    /// <summary>Holding the turnstile: first in line, only the holder of the flock is ahead.</summary>
    AtTurnstile,

    /// <summary>No turnstile here (not 64-bit Linux, or a file system without OFD locks): the flock alone.</summary>
    NoTurnstile,
}

/// <summary>
/// The steps of taking a Unix lock file (see <see cref="FileLockProvider"/>): pass the turnstile,
/// take the <c>flock</c>, leave the turnstile to the next waiter.
/// </summary>
internal static class UnixLockSteps
{
    /// <summary>Takes the flock if it is free and nobody is queued for it. Otherwise false, and where we stand.</summary>
    public static bool TryTake(int fd, string lockPath, out QueuePlace place)
    {
        place = QueuePlace.NoTurnstile;
        if (OfdLocks.Supported)
        {
            if (!OfdLocks.IsLockedByAnother(fd, FileLockProvider.StarvingOffset))
            {
                // Nobody has waited long: a free lock is taken at once, ahead of queued waiters (they
                // are woken and retry). Handing every release to the next in line instead costs a
                // wake-up per lock taken, and short locks (the index lock) then form a convoy.
                var barged = TryFlock(fd);
                if (barged != Posix.EWOULDBLOCK)
                {
                    return barged == 0 ? true : throw BuildStateException.FromErrno(barged, lockPath, "lock the lock file");
                }
            }

            var error = Retry(() => OfdLocks.Lock(fd, FileLockProvider.TurnstileOffset, wait: false));
            place = error switch
            {
                0 => QueuePlace.AtTurnstile,
                OfdLocks.EAGAIN or OfdLocks.EACCES => QueuePlace.BehindTurnstile,
                _ => QueuePlace.NoTurnstile, // e.g. EINVAL from a file system without them: order is lost, exclusion is not
            };

            if (place == QueuePlace.BehindTurnstile)
            {
                return false; // someone is waiting already: a newcomer (or a releaser asking again) must not overtake
            }
        }

        var flock = TryFlock(fd);
        if (flock == Posix.EWOULDBLOCK)
        {
            return false; // held: keep the turnstile, we are next
        }

        LeaveTurnstile(fd, place);
        return flock == 0 ? true : throw BuildStateException.FromErrno(flock, lockPath, "lock the lock file");
    }

    /// <summary>
    /// Waits for the lock up to <paramref name="timeout"/> from where <see cref="TryTake"/> left us.
    /// True when taken; false when the time ran out. <paramref name="abandoned"/>: the descriptor now
    /// belongs to a wait left in the kernel, whose helper closes it once the kernel lets go of it.
    /// </summary>
    public static bool Wait(int fd, string lockPath, QueuePlace place, TimeSpan timeout, out bool abandoned)
    {
        abandoned = false;
        var started = Stopwatch.GetTimestamp();
        var deadline = started + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        if (place == QueuePlace.BehindTurnstile)
        {
            // The long wait, in the kernel's queue for the turnstile (arrival order, one waiter woken
            // per release). On a helper thread: the kernel's wait has no timeout, ours has.
            if (!Blocking(() => Retry(() => OfdLocks.Lock(fd, FileLockProvider.TurnstileOffset, wait: true)), fd, lockPath, started, deadline))
            {
                abandoned = true;
                return false;
            }

            place = QueuePlace.AtTurnstile;
        }

        if (place == QueuePlace.AtTurnstile)
        {
            // First in line: nobody can take the flock before us, so watching for the holder's close
            // on this thread is enough (no helper between the release and us).
            using var watch = CloseWatch.TryOpen(lockPath);
            if (watch is not null)
            {
                return WaitWatching(fd, lockPath, watch, started, deadline);
            }
        }

        abandoned = !Blocking(() => Retry(() => Posix.FLock(fd, Posix.LOCK_EX) == 0 ? 0 : Marshal.GetLastPInvokeError()), fd, lockPath, started, deadline);
        if (!abandoned)
        {
            LeaveTurnstile(fd, place); // the next waiter moves up to wait for the flock
        }

        return !abandoned;
    }

    private static bool WaitWatching(int fd, string lockPath, CloseWatch watch, long started, long deadline)
    {
        var starving = false;
        // A holder that dies is closed by the kernel a moment before its flock goes: a bounded nap
        // catches that (and a file system whose closes inotify does not see) without a close to wake us.
        var recheck = TimeSpan.FromMilliseconds(20);
        while (true)
        {
            var flock = TryFlock(fd);
            if (flock == 0)
            {
                LeaveTurnstile(fd, QueuePlace.AtTurnstile);
                return true;
            }

            if (flock != Posix.EWOULDBLOCK)
            {
                throw BuildStateException.FromErrno(flock, lockPath, "lock the lock file");
            }

            var left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
            if (left <= TimeSpan.Zero)
            {
                return false;
            }

            starving = starving || MarkStarvingOnceLong(fd, started);
            var nap = starving ? recheck : HandOffAfter - Stopwatch.GetElapsedTime(started) + TimeSpan.FromMilliseconds(1);
            nap = nap < recheck ? nap : recheck;
            watch.Wait(left < nap ? left : nap);
        }
    }

    /// <summary>Runs a kernel wait on a helper until the deadline; false when abandoned (the helper then closes <paramref name="fd"/>).</summary>
    private static bool Blocking(Func<int> wait, int fd, string lockPath, long started, long deadline)
    {
        var now = Stopwatch.GetTimestamp();
        var left = Stopwatch.GetElapsedTime(now, deadline);
        var untilLong = HandOffAfter - Stopwatch.GetElapsedTime(started, now);
        if (!AbandonableWait.Run(
                wait, _ => Posix.Close(fd), left < TimeSpan.Zero ? TimeSpan.Zero : left,
                untilLong < TimeSpan.Zero ? TimeSpan.Zero : untilLong, () => MarkStarvingOnceLong(fd, started), out var error))
        {
            return false;
        }

        return error == 0 ? true : throw BuildStateException.FromErrno(error, lockPath, "lock the lock file");
    }

    /// <summary>How long a waiter lets newcomers take a free lock ahead of it before it asks for strict turns.</summary>
    internal static readonly TimeSpan HandOffAfter = TimeSpan.FromMilliseconds(5);

    /// <summary>
    /// A waiter past <see cref="HandOffAfter"/> holds a shared lock on the starving byte until it has
    /// the lock: while any does, newcomers queue at the turnstile instead of taking a free lock.
    /// True once marked.
    /// </summary>
    private static bool MarkStarvingOnceLong(int fd, long started) =>
        OfdLocks.Supported && Stopwatch.GetElapsedTime(started) >= HandOffAfter && OfdLocks.LockShared(fd, FileLockProvider.StarvingOffset) == 0;

    private static int TryFlock(int fd) => Retry(() => Posix.FLock(fd, Posix.LOCK_EX | Posix.LOCK_NB) == 0 ? 0 : Marshal.GetLastPInvokeError());

    private static void LeaveTurnstile(int fd, QueuePlace place)
    {
        if (place == QueuePlace.AtTurnstile)
        {
            OfdLocks.Unlock(fd, FileLockProvider.StarvingOffset);
            OfdLocks.Unlock(fd, FileLockProvider.TurnstileOffset);
        }
    }

    private static int Retry(Func<int> call)
    {
        int error;
        while ((error = call()) == Posix.EINTR)
        {
        }

        return error;
    }
}
