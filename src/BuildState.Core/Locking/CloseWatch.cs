using System.Runtime.InteropServices;

namespace BuildState.Locking;

/// <summary>
/// Waits, with a timeout and on the calling thread, for a file to be closed by a writer (Linux
/// inotify <c>IN_CLOSE_WRITE</c>). A lock holder's release ends with closing its descriptor, and so
/// does its death (the kernel closes its files), so the first waiter in line is woken by the kernel
/// the moment the lock may be free, without a helper thread between it and the lock.
/// <para>
/// Each thread keeps one inotify instance and only adds and removes a watch per wait: closing an
/// instance waits for the kernel's notification marks to be reaped (an SRCU grace period, 4-16 ms
/// measured here), and the wait ends with the lock taken, so a close there held every other
/// waiter up for that long (8 processes on one build made 87 commits/s in all).
/// </para>
/// </summary>
internal sealed unsafe partial class CloseWatch : IDisposable
{
    private const int IN_CLOEXEC = 0x80000, IN_NONBLOCK = 0x800;
    private const uint IN_CLOSE_WRITE = 0x8;
    private const short POLLIN = 1;

    [ThreadStatic]
    private static Instance? t_instance;

    private readonly Instance _instance;
    private int _watch;

    private CloseWatch(Instance instance, int watch) => (_instance, _watch) = (instance, watch);

    /// <summary>A watch on <paramref name="path"/>, or null where there is none (not Linux, or the inotify instances or watches are used up).</summary>
    public static CloseWatch? TryOpen(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        var instance = t_instance;
        if (instance is null)
        {
            var fd = InotifyInit1(IN_CLOEXEC | IN_NONBLOCK);
            if (fd < 0)
            {
                return null;
            }

            t_instance = instance = new Instance(fd);
        }

        instance.Drain(); // what an earlier watch left (its removal, a close after the wait): not this wait's
        var watch = InotifyAddWatch(instance.Fd, path, IN_CLOSE_WRITE);
        return watch < 0 ? null : new CloseWatch(instance, watch);
    }

    /// <summary>Waits until a writer closes the file or <paramref name="timeout"/> passes; either way the caller checks again.</summary>
    public void Wait(TimeSpan timeout)
    {
        var poll = new PollFd { Fd = _instance.Fd, Events = POLLIN };
        var ms = (int)Math.Clamp(Math.Ceiling(timeout.TotalMilliseconds), 0, int.MaxValue);
        if (Poll(&poll, 1, ms) > 0)
        {
            _instance.Drain(); // the next wait sleeps until the next close
        }
    }

    /// <summary>Removes the watch (cheap: the kernel reaps it later); the thread's instance stays open for its next wait.</summary>
    public void Dispose()
    {
        var watch = Interlocked.Exchange(ref _watch, -1);
        if (watch >= 0)
        {
            InotifyRmWatch(_instance.Fd, watch);
        }
    }

    /// <summary>A thread's inotify instance, closed by the finalizer once its thread is gone (off any lock's path).</summary>
    private sealed class Instance(int fd)
    {
        public int Fd { get; } = fd;

        public void Drain()
        {
            var events = stackalloc byte[1024];
            while (Read(Fd, events, 1024) > 0)
            {
            }
        }

        ~Instance() => IO.Posix.Close(Fd);
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

    [LibraryImport("libc", EntryPoint = "inotify_rm_watch", SetLastError = true)]
    private static partial int InotifyRmWatch(int fd, int watch);

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static partial int Poll(PollFd* fds, nuint count, int timeoutMs);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static partial nint Read(int fd, byte* buffer, nuint count);
}
