using System.Diagnostics;
using BuildState.Core.Tests.Infrastructure;
using BuildState.Errors;
using BuildState.Locking;
using BuildState.Store;

namespace BuildState.Core.Tests.Locking;

/// <summary>
/// The rules the store relies on, kept as they were before waits became fair: not reentrant, one gate
/// per lock in a process, build lock before index lock and nothing left held after a timeout, and
/// providers that can only try are still waited for by polling.
/// </summary>
[Collection("processes")]
public class LockRulesTests
{
    [Fact]
    public void A_thread_asking_again_for_a_lock_it_holds_times_out_instead_of_entering_twice()
    {
        using var dir = new TempDir();
        var lockPath = dir.Combine("a.lock");
        var locks = new LockManager(FileLockProvider.Instance, TimeSpan.FromMilliseconds(200));
        using (locks.Acquire(lockPath, "outer"))
        {
            var e = Assert.Throws<BuildStateException>(() => locks.Acquire(lockPath, "inner"));
            Assert.Equal(StoreErrorKind.LockTimeout, e.Kind);
        }

        using (locks.Acquire(lockPath, "again"))
        {
        }
    }

    [Fact]
    public void Two_managers_in_one_process_exclude_each_other_and_the_waiter_gets_it_at_release()
    {
        using var dir = new TempDir();
        var lockPath = dir.Combine("b.lock");
        var first = new LockManager(FileLockProvider.Instance, TimeSpan.FromSeconds(10));
        var second = new LockManager(FileLockProvider.Instance, TimeSpan.FromSeconds(10));
        var held = first.Acquire(lockPath, "first");
        var taken = Task.Run(() => second.Acquire(lockPath, "second"));
        Assert.False(taken.Wait(300), "two managers in one process held the same lock");
        held.Dispose();
        Assert.True(taken.Wait(TimeSpan.FromSeconds(5)));
        taken.Result.Dispose();
    }

    [Fact]
    public void Threads_of_one_process_all_get_the_lock_and_never_two_at_once()
    {
        using var dir = new TempDir();
        var lockPath = dir.Combine("c.lock");
        var locks = new LockManager(FileLockProvider.Instance, TimeSpan.FromSeconds(30));
        var (inside, overlaps) = (0, 0);
        var turns = new int[4];
        Parallel.For(0, turns.Length, new ParallelOptions { MaxDegreeOfParallelism = turns.Length }, t =>
        {
            for (var i = 0; i < 50; i++)
            {
                using (locks.Acquire(lockPath, "thread"))
                {
                    if (Interlocked.Increment(ref inside) > 1)
                    {
                        Interlocked.Increment(ref overlaps);
                    }

                    turns[t]++;
                    Interlocked.Decrement(ref inside);
                }
            }
        });

        Assert.Equal(0, overlaps);
        Assert.All(turns, n => Assert.Equal(50, n));
    }

    [Fact]
    public void A_held_index_lock_holds_up_no_commit_or_its_timeout_releases_the_build_lock_taken_before_it()
    {
        using var f = new StoreFixture();
        const string id = "ordered|Debug|net10.0";
        f.Run(id, "r");
        using var indexHolder = LockHammer.Start(f.Store.Layout.IndexLock, "lock-hold");
        try
        {
            Hammer.WaitForLine(indexHolder, "locked", TimeSpan.FromSeconds(60));
            var impatient = f.Reopen(o => o.LockTimeout = TimeSpan.FromMilliseconds(300));
            var taken = new List<string>();
            impatient.Locks.Acquired += (path, _) => taken.Add(path);
            if (impatient.Options.FileSystem.AppendsAreConcurrent)
            {
                // Commits append to the index journal without the index lock (Linux): a held index
                // lock holds up no commit, and the change is in the index at once.
                impatient.Transition(id, "Setup");
                Assert.Equal([f.Store.Layout.BuildLock(BuildKey.For(id))], taken);
                Assert.Equal("Setup", Assert.Single(f.Reopen().List()).Phase);
                return;
            }

            var e = Assert.Throws<BuildStateException>(() => impatient.Transition(id, "Setup"));
            Assert.Equal(StoreErrorKind.LockTimeout, e.Kind);
            Assert.Equal([f.Store.Layout.BuildLock(BuildKey.For(id))], taken); // the build lock first, then the wait for the index lock

            // Nothing is left held: another process's view of the build lock is free at once.
            var provider = FileLockProvider.Instance;
            using var free = provider.TryAcquire(f.Store.Layout.BuildLock(BuildKey.For(id)), "check", out _);
            Assert.NotNull(free);
        }
        finally
        {
            indexHolder.Kill();
            indexHolder.WaitForExit();
        }
    }

    [Fact]
    public void Trying_does_not_wait_and_does_not_queue()
    {
        using var dir = new TempDir();
        var lockPath = dir.Combine("d.lock");
        using var holder = LockHammer.Start(lockPath, "lock-hold");
        try
        {
            Hammer.WaitForLine(holder, "locked", TimeSpan.FromSeconds(60));
            var watch = Stopwatch.StartNew();
            Assert.Null(FileLockProvider.Instance.TryAcquire(lockPath, "try", out _));
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2));
            Assert.False(OfdLocks.Supported && LockProbe.TurnstileTaken(lockPath), "a failed try left its place in the queue taken");
        }
        finally
        {
            holder.Kill();
            holder.WaitForExit();
        }
    }

    [Fact]
    public void A_provider_that_can_only_try_is_polled_until_free_and_until_the_timeout()
    {
        var provider = new InProcessLockProvider();
        var locks = new LockManager(provider, TimeSpan.FromSeconds(10));
        var other = provider.TryAcquire("p", "other", out _)!;
        var taken = Task.Run(() => locks.Acquire("p", "waiter"));
        Assert.False(taken.Wait(100));
        other.Dispose();
        Assert.True(taken.Wait(TimeSpan.FromSeconds(5)));
        taken.Result.Dispose();

        var impatient = new LockManager(provider, TimeSpan.FromMilliseconds(100));
        using (provider.TryAcquire("q", "other", out _))
        {
            var e = Assert.Throws<BuildStateException>(() => impatient.Acquire("q", "impatient"));
            Assert.Equal(StoreErrorKind.LockTimeout, e.Kind);
        }
    }
}
