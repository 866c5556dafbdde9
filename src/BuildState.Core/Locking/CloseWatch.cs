using System.Runtime.InteropServices;

namespace BuildState.Locking;

/// <summary>
/// Waits, with a timeout and on the calling thread, for a file to be closed by a writer (Linux
/// inotify <c>IN_CLOSE_WRITE</c>). A lock holder's release ends with closing its descriptor, and so
/// does its death (the kernel closes its files), so the first waiter in line is woken by the kernel
/// the moment the lock may be free, without a helper thread between it and the lock.
/// </summary>
internal sealed unsafe partial class CloseWatch : IDisposable
{
    private const int IN_CLOEXEC = 0x80000, IN_NONBLOCK = 0x800;
    private const uint IN_CLOSE_WRITE = 0x8;
    private const short POLLIN = 1;
    private int _fd;

    private CloseWatch(int fd) => _fd = fd;

    /// <summary>A watch on <paramref name="path"/>, or null where there is none (not Linux, or the inotify instances are used up).</summary>
    public static CloseWatch? TryOpen(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        var fd = InotifyInit1(IN_CLOEXEC | IN_NONBLOCK);
        if (fd < 0)
        {
            return null;
        }

        if (InotifyAddWatch(fd, path, IN_CLOSE_WRITE) < 0)
        {
            IO.Posix.Close(fd);
            return null;
        }

        return new CloseWatch(fd);
    }

    /// <summary>Waits until a writer closes the file or <paramref name="timeout"/> passes; either way the caller checks again.</summary>
    public void Wait(TimeSpan timeout)
    {
        var poll = new PollFd { Fd = _fd, Events = POLLIN };
        var ms = (int)Math.Clamp(Math.Ceiling(timeout.TotalMilliseconds), 0, int.MaxValue);
        if (Poll(&poll, 1, ms) > 0)
        {
            var events = stackalloc byte[1024];
            while (Read(_fd, events, 1024) > 0)
            {
                // Drained: the next wait sleeps until the next close.
            }
        }
    }

    public void Dispose()
    {
        var fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0)
        {
            IO.Posix.Close(fd);
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [LibraryImport("libc", EntryPoint = "inotify_init1", SetLastError = true)]
    private static partial int InotifyInit1(int flags);

    [LibraryImport("libc", EntryPoint = "inotify_add_watch", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int InotifyAddWatch(int fd, string path, uint mask);

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static partial int Poll(PollFd* fds, nuint count, int timeoutMs);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static partial nint Read(int fd, byte* buffer, nuint count);
}
