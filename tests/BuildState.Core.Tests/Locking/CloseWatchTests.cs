using BuildState.Core.Tests.Infrastructure;
using BuildState.Locking;

namespace BuildState.Core.Tests.Locking;

/// <summary>
/// The first waiter's wake-up (Linux inotify). A wait ends with the lock taken, so whatever the
/// watch does then is paid by every waiter behind: closing an inotify instance waits for the kernel
/// (milliseconds), so a thread keeps its one instance and only adds and removes watches.
/// </summary>
public sealed class CloseWatchTests
{
    private static int InotifyInstances() =>
        Directory.GetFiles("/proc/self/fd").Count(fd =>
        {
            try
            {
                return new FileInfo(fd).LinkTarget == "anon_inode:inotify";
            }
            catch (IOException)
            {
                return false; // closed while listed
            }
        });

    /// <summary>An empty lock file in a new folder; null where there is no inotify (not Linux).</summary>
    private static TempDir? LockFile(out string path)
    {
        path = "";
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        var dir = new TempDir();
        path = dir.Combine("a.lock");
        File.WriteAllText(path, "");
        return dir;
    }

    [Fact]
    public void A_thread_reuses_one_inotify_instance_across_waits()
    {
        using var dir = LockFile(out var path);
        if (dir is null)
        {
            return;
        }

        // Counted on the thread, checked here: an assertion failing on another thread would end the test host.
        var before = -1;
        var during = new List<int>();
        var opened = 0;
        var thread = new Thread(() =>
        {
            using (CloseWatch.TryOpen(path))
            {
            }

            before = InotifyInstances();
            for (var i = 0; i < 20; i++)
            {
                using var watch = CloseWatch.TryOpen(path);
                opened += watch is null ? 0 : 1;
                during.Add(InotifyInstances());
            }
        });
        thread.Start();
        thread.Join();
        Assert.True(before > 0);
        Assert.Equal(20, opened);
        Assert.All(during, count => Assert.Equal(before, count)); // no new instance per wait
    }

    [Fact]
    public void A_reused_watch_wakes_on_the_next_close_and_not_on_an_earlier_one()
    {
        using var dir = LockFile(out var path);
        if (dir is null)
        {
            return;
        }

        using (var first = CloseWatch.TryOpen(path)!)
        {
            File.WriteAllText(path, "x"); // a close while the first watch is on, never waited for
        }

        using var second = CloseWatch.TryOpen(path)!;
        var waited = System.Diagnostics.Stopwatch.StartNew();
        second.Wait(TimeSpan.FromMilliseconds(300));
        Assert.True(waited.ElapsedMilliseconds >= 250, $"woke after {waited.ElapsedMilliseconds} ms on the earlier watch's close");

        var closer = Task.Run(() =>
        {
            Thread.Sleep(100);
            File.WriteAllText(path, "y");
        });
        waited.Restart();
        second.Wait(TimeSpan.FromSeconds(20));
        Assert.True(waited.Elapsed < TimeSpan.FromSeconds(10), "not woken by the close");
        closer.Wait();
    }
}
