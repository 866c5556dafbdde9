using System.Diagnostics;
using System.Runtime.InteropServices;
using BuildState.Errors;
using BuildState.IO;
using BuildState.Model;
using BuildState.Serialization;
using BuildState.Store;

namespace BuildState.Locking;

/// <summary>
/// Cross-process locks on lock files. On Unix: <c>flock(LOCK_EX)</c> on a descriptor we open
/// ourselves; on Windows: an exclusive share mode. Either way the operating system releases the
/// lock when its owner dies, so a killed owner can never wedge the store. While held, the file holds
/// the owner (process id, host, start time); on Unix a clean release writes a zero byte over its
/// first byte (in place: the file keeps its length), on Windows it empties the file, so finding an
/// owner recorded in a lock we just took means its owner died holding it: that stale lock is
/// reported as broken.
/// <para>
/// Waiting on Unix is fair and woken by the kernel, never polled. On Linux a waiter passes a
/// turnstile first: an exclusive OFD lock on byte <see cref="TurnstileOffset"/> of the same file, held
/// from the moment a waiter is first in line until it has the <c>flock</c>. The kernel queues blocked
/// requests for the turnstile in arrival order and wakes one per release; a releaser that asks again
/// at once finds the turnstile held by the next waiter and queues behind everyone, so it cannot take
/// the lock back before a woken waiter runs (what starved processes when waiters polled). The wait in
/// the turnstile's queue runs on a helper thread (<see cref="AbandonableWait"/>: the kernel's wait has no
/// timeout, the caller's has); first in line, the caller waits on its own thread for the holder to
/// close the file (<see cref="CloseWatch"/>), one wake-up between a release and the next owner.
/// Exclusion rests on the <c>flock</c> alone (the turnstile only orders), so a waiter killed in the
/// queue, or an older version that does not know the turnstile, cannot break it. Elsewhere on Unix
/// a blocking <c>flock</c> on a helper thread (woken by the kernel, not ordered); Windows keeps the
/// share mode, polled with backoff.
/// </para>
/// </summary>
public sealed class FileLockProvider : ILockProvider, IWaitingLockProvider
{
    public static readonly FileLockProvider Instance = new();

    /// <summary>The turnstile's byte. Byte-range locks do not touch the file's content (the owner record).</summary>
    internal const long TurnstileOffset = 0;

    /// <summary>The byte on which waiters that have waited long hold shared locks (see <c>UnixLockSteps.HandOffAfter</c>).</summary>
    internal const long StarvingOffset = 1;

    public IHeldLock? TryAcquire(string lockPath, string purpose, out string? previousOwner) =>
        OperatingSystem.IsWindows() ? TryAcquireWindows(lockPath, purpose, out previousOwner) : AcquireUnix(lockPath, purpose, null, out previousOwner);

    IHeldLock? IWaitingLockProvider.Acquire(string lockPath, string purpose, TimeSpan timeout, out string? previousOwner) =>
        OperatingSystem.IsWindows() ? LockPolling.Acquire(this, lockPath, purpose, timeout, out previousOwner) : AcquireUnix(lockPath, purpose, timeout, out previousOwner);

    public string? DescribeOwner(string lockPath)
    {
        if (OperatingSystem.IsWindows())
        {
            return null; // the holder's exclusive share mode keeps everyone else out, readers included
        }

        // Not through FileStream: on Unix it takes a shared flock for read-only opens, which the
        // holder's exclusive lock refuses. A plain open and pread are not affected by flock.
        var fd = Posix.Open(lockPath, Posix.O_RDONLY | Posix.O_CLOEXEC | (Posix.FlagsKnown ? Posix.O_NOFOLLOW : 0), 0);
        if (fd < 0)
        {
            return null;
        }

        try
        {
            return ReadLeftOwner(fd, lockPath, leftBehind: false, out _);
        }
        finally
        {
            Posix.Close(fd);
        }
    }

    private static string Describe(LockOwnerFile owner, bool leftBehind)
    {
        var liveness = ProcessLiveness.Check(owner.Owner);
        if (leftBehind)
        {
            // A lock we took that still names its owner was let go of by a dying process: the kernel
            // closes a process's files (releasing its locks and waking our wait) before the process
            // is gone. Give it a moment to be gone, so that the report says what happened.
            var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency;
            while (liveness == Liveness.Alive && Stopwatch.GetTimestamp() < deadline)
            {
                Thread.Sleep(10);
                liveness = ProcessLiveness.Check(owner.Owner);
            }
        }

        return $"process {owner.Owner.ProcessId} on {owner.Owner.Host} ({owner.Purpose ?? "unknown purpose"}, since {owner.AcquiredAt:O}, {liveness.ToString().ToLowerInvariant()})";
    }

    private static byte[] OwnerBytes(string purpose) =>
        StoreJson.Serialize(new LockOwnerFile { Owner = OwnerInfo.Current, AcquiredAt = DateTimeOffset.UtcNow, Purpose = purpose });

    /// <summary>Takes the lock: only when free (<paramref name="timeout"/> null), or waiting up to <paramref name="timeout"/>.</summary>
    private static IHeldLock? AcquireUnix(string lockPath, string purpose, TimeSpan? timeout, out string? previousOwner)
    {
        previousOwner = null;
        var flags = Posix.O_RDWR | Posix.O_CREAT | Posix.O_CLOEXEC | (Posix.FlagsKnown ? Posix.O_NOFOLLOW : 0);
        var fd = Posix.Open(lockPath, flags, 0x180 /* 0600 */);
        if (fd < 0)
        {
            throw BuildStateException.FromErrno(Marshal.GetLastPInvokeError(), lockPath, "open the lock file");
        }

        var closeHere = true; // false once the lock is returned, or an abandoned wait owns the descriptor
        try
        {
            if (!UnixLockSteps.TryTake(fd, lockPath, out var place))
            {
                if (timeout is null)
                {
                    return null;
                }

                if (!UnixLockSteps.Wait(fd, lockPath, place, timeout.Value, out var abandoned))
                {
                    closeHere = !abandoned;
                    return null;
                }
            }

            previousOwner = ClaimOwnership(fd, purpose, lockPath);
            closeHere = false;
            return new UnixLock(fd);
        }
        finally
        {
            if (closeHere)
            {
                Posix.Close(fd);
            }
        }
    }

    /// <summary>
    /// Owner records are padded with spaces to a multiple of this, so that the lock file keeps its
    /// length from one owner to the next: a change of length makes ext4 write the inode (and, without a
    /// journal, the inode's whole table block, shared with up to 15 other files such as history logs)
    /// at the next fsync of any of them (docs/store-format.md, "Locks").
    /// </summary>
    internal const int OwnerRecordBytes = 512;

    /// <summary>
    /// Reads what a dead owner left, then writes ourselves in as the owner, in place: the record is
    /// padded with spaces to at least the file's length, so nothing of a longer record left behind
    /// trails it and the file's length does not change (a released file keeps the last owner's record
    /// with a zero byte over its first byte).
    /// </summary>
    private static unsafe string? ClaimOwnership(int fd, string purpose, string lockPath)
    {
        var previousOwner = ReadLeftOwner(fd, lockPath, leftBehind: true, out var length);
        var record = OwnerBytes(purpose);
        var size = Math.Max((record.Length + OwnerRecordBytes - 1) / OwnerRecordBytes * OwnerRecordBytes, length);
        if (length >= StoreLimits.MaxLockFileBytes)
        {
            // More than an owner record ever is (not written by the store): start over.
            Posix.FTruncate(fd, 0);
            size = record.Length;
        }

        var bytes = new byte[size];
        record.CopyTo(bytes, 0);
        ByteSpans.Fill(bytes.AsSpan(record.Length), (byte)' ');
        fixed (byte* p = bytes)
        {
            Posix.PWrite(fd, p, (nuint)bytes.Length, 0);
        }

        return previousOwner;
    }

    /// <summary>
    /// The owner a lock file names, or null when it names none: empty (released by an older version,
    /// or never taken) or released (a zero byte first). <paramref name="length"/>: the bytes read.
    /// </summary>
    private static unsafe string? ReadLeftOwner(int fd, string lockPath, bool leftBehind, out int length)
    {
        // An owner record is a few hundred bytes: read a little first, and the most only when there is more.
        var buffer = new byte[1024];
        nint read;
        fixed (byte* p = buffer)
        {
            read = Posix.PRead(fd, p, (nuint)buffer.Length, 0);
        }

        if (read == buffer.Length)
        {
            buffer = new byte[StoreLimits.MaxLockFileBytes];
            fixed (byte* p = buffer)
            {
                read = Posix.PRead(fd, p, (nuint)buffer.Length, 0);
            }
        }

        length = (int)Math.Max(read, 0);
        if (read <= 0 || buffer[0] == 0)
        {
            return null;
        }

        try
        {
            return Describe(StoreJson.DeserializeLockOwner(ByteSpans.TrimEnd(buffer.AsSpan(0, (int)read), (byte)' '), lockPath), leftBehind);
        }
        catch (BuildStateException)
        {
            return "an unreadable owner record";
        }
    }

    private static unsafe void MarkReleased(int fd)
    {
        byte zero = 0;
        Posix.PWrite(fd, &zero, 1, 0);
    }

    private sealed class UnixLock(int fd) : IHeldLock
    {
        private int _fd = fd;

        public void Dispose()
        {
            var fd = Interlocked.Exchange(ref _fd, -1);
            if (fd >= 0)
            {
                // Marked first: a zero byte over the record's first is the mark of a clean release. In
                // place, so the file's length stays (an emptied file, the mark before, changed it twice
                // per lock taken).
                MarkReleased(fd);
                Posix.FLock(fd, Posix.LOCK_UN);
                Posix.Close(fd);
            }
        }
    }

    private static IHeldLock? TryAcquireWindows(string lockPath, string purpose, out string? previousOwner)
    {
        previousOwner = null;
        FileStream stream;
        try
        {
            stream = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
        }
        catch (IOException e) when ((e.HResult & 0xFFFF) is 32 or 33)
        {
            return null; // sharing or lock violation: held by someone else
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw BuildStateException.FromIo(e, lockPath, "open the lock file");
        }

        if (stream.Length > 0 && stream.Length <= StoreLimits.MaxLockFileBytes)
        {
            var left = new byte[stream.Length];
            stream.ReadExactly(left);
            try
            {
                previousOwner = Describe(StoreJson.DeserializeLockOwner(left, lockPath), leftBehind: true);
            }
            catch (BuildStateException)
            {
                previousOwner = "an unreadable owner record";
            }
        }

        stream.SetLength(0);
        stream.Position = 0;
        stream.Write(OwnerBytes(purpose));
        stream.Flush();
        return new WindowsLock(stream);
    }

    private sealed class WindowsLock(FileStream stream) : IHeldLock
    {
        public void Dispose()
        {
            stream.SetLength(0);
            stream.Dispose();
        }
    }
}
