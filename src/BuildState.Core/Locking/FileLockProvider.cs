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
/// the owner (process id, host, start time); it is emptied on a clean release, so finding an owner
/// recorded in a lock we just took means its owner died holding it: that stale lock is reported as
/// broken.
/// </summary>
public sealed class FileLockProvider : ILockProvider
{
    public static readonly FileLockProvider Instance = new();

    public IHeldLock? TryAcquire(string lockPath, string purpose, out string? previousOwner) =>
        OperatingSystem.IsWindows() ? TryAcquireWindows(lockPath, purpose, out previousOwner) : TryAcquireUnix(lockPath, purpose, out previousOwner);

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
            return ReadLeftOwner(fd, lockPath);
        }
        finally
        {
            Posix.Close(fd);
        }
    }

    private static string Describe(LockOwnerFile owner) =>
        $"process {owner.Owner.ProcessId} on {owner.Owner.Host} ({owner.Purpose ?? "unknown purpose"}, since {owner.AcquiredAt:O}, {ProcessLiveness.Check(owner.Owner).ToString().ToLowerInvariant()})";

    private static byte[] OwnerBytes(string purpose) =>
        StoreJson.Serialize(new LockOwnerFile { Owner = OwnerInfo.Current, AcquiredAt = DateTimeOffset.UtcNow, Purpose = purpose });

    private static unsafe IHeldLock? TryAcquireUnix(string lockPath, string purpose, out string? previousOwner)
    {
        previousOwner = null;
        var flags = Posix.O_RDWR | Posix.O_CREAT | Posix.O_CLOEXEC | (Posix.FlagsKnown ? Posix.O_NOFOLLOW : 0);
        var fd = Posix.Open(lockPath, flags, 0x180 /* 0600 */);
        if (fd < 0)
        {
            throw BuildStateException.FromErrno(Marshal.GetLastPInvokeError(), lockPath, "open the lock file");
        }

        var keep = false;
        try
        {
            while (Posix.FLock(fd, Posix.LOCK_EX | Posix.LOCK_NB) != 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno == Posix.EWOULDBLOCK)
                {
                    return null;
                }

                if (errno != Posix.EINTR)
                {
                    throw BuildStateException.FromErrno(errno, lockPath, "lock the lock file");
                }
            }

            previousOwner = ReadLeftOwner(fd, lockPath);
            var bytes = OwnerBytes(purpose);
            Posix.FTruncate(fd, 0);
            fixed (byte* p = bytes)
            {
                Posix.PWrite(fd, p, (nuint)bytes.Length, 0);
            }

            keep = true;
            return new UnixLock(fd);
        }
        finally
        {
            if (!keep)
            {
                Posix.Close(fd);
            }
        }
    }

    private static unsafe string? ReadLeftOwner(int fd, string lockPath)
    {
        // A cleanly released lock file is empty: read a little first, and the most only when there is more.
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

        if (read <= 0)
        {
            return null;
        }

        try
        {
            return Describe(StoreJson.DeserializeLockOwner(buffer.AsSpan(0, (int)read), lockPath));
        }
        catch (BuildStateException)
        {
            return "an unreadable owner record";
        }
    }

    private sealed class UnixLock(int fd) : IHeldLock
    {
        private int _fd = fd;

        public void Dispose()
        {
            var fd = Interlocked.Exchange(ref _fd, -1);
            if (fd >= 0)
            {
                // Empty first: an empty lock file is the mark of a clean release.
                Posix.FTruncate(fd, 0);
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
                previousOwner = Describe(StoreJson.DeserializeLockOwner(left, lockPath));
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
