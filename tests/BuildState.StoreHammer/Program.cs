using System.Diagnostics;
using System.Globalization;
using BuildState.Errors;
using BuildState.Locking;
using BuildState.Store;

// A helper for the concurrency and kill tests: started as many real processes that hammer one store.
//   hammer ROOT counter BUILD UPDATES THREADS DURABILITY   increments metadata["count"] UPDATES times in total
//   hammer ROOT lifecycle PREFIX RUNS THREADS DURABILITY   runs full default lifecycles on PREFIX-<thread> builds, forever when RUNS is 0
//   hammer ROOT hold-lock BUILD                            takes the build's lock, prints "locked", then sleeps until killed
//   hammer SOCKET connect-unix                             connects to the Unix domain socket SOCKET, prints "connected", then
//                                                          sleeps until killed (a process at the other end of a socket)
//   hammer FILE append TAG COUNT GOFILE                    prints "started", waits for GOFILE, appends COUNT lines "TAG-<i>" to FILE
//                                                          with IFileSystem.AppendConcurrent
// Lock modes take a lock file directly (LockManager over FileLockProvider), no store:
//   hammer LOCKFILE lock-hold                              takes the lock (waiting up to 120 s), prints "locked", releases
//                                                          it at a line on standard input (or when killed), prints "released"
//   hammer LOCKFILE lock-loop SECONDS HOLD_MS GOFILE       prints "ready", waits for GOFILE, then takes and releases the lock
//                                                          (holding it HOLD_MS) for SECONDS; prints "COUNT MAX_WAIT_MS"
try
{
    var root = args[0];
    var mode = args[1];
    if (mode.StartsWith("lock-", StringComparison.Ordinal))
    {
        return LockModes.Run(root, mode, args);
    }

    if (mode == "connect-unix")
    {
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        socket.Connect(new System.Net.Sockets.UnixDomainSocketEndPoint(root));
        Console.WriteLine("connected");
        Thread.Sleep(Timeout.Infinite);
    }

    var durability = args.Length > 5 ? Enum.Parse<Durability>(args[5]) : Durability.Normal;
    var store = BuildStore.Open(root, new StoreOptions { Durability = durability, LockTimeout = TimeSpan.FromSeconds(120) });
    switch (mode)
    {
        case "counter":
            RunThreads(int.Parse(args[4], CultureInfo.InvariantCulture), int.Parse(args[3], CultureInfo.InvariantCulture), _ =>
                store.Update(args[2], r => r.Metadata["count"] = (int.Parse(r.Metadata.GetValueOrDefault("count", "0"), CultureInfo.InvariantCulture) + 1).ToString(CultureInfo.InvariantCulture)));
            break;
        case "lifecycle":
            var runs = int.Parse(args[3], CultureInfo.InvariantCulture);
            var threads = int.Parse(args[4], CultureInfo.InvariantCulture);
            Console.WriteLine("started");
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
            {
                var id = $"{args[2]}-{t}";
                for (var i = 0; runs == 0 || i < runs; i++)
                {
                    store.StartRun(id, new StartRunRequest { RunId = $"{Environment.ProcessId}-{i}" });
                    foreach (var phase in new[] { "Setup", "Build", "Test", "Cleanup", "Complete" })
                    {
                        store.Transition(id, phase);
                    }
                }
            });
            break;
        case "append":
            var count = int.Parse(args[3], CultureInfo.InvariantCulture);
            Console.WriteLine("started");
            while (!File.Exists(args[4]))
            {
                Thread.Sleep(1); // every writer starts at the same moment, once the test is draining
            }

            for (var i = 0; i < count; i++)
            {
                BuildState.IO.PhysicalFileSystem.Instance.AppendConcurrent(root, System.Text.Encoding.UTF8.GetBytes($"{args[2]}-{i}\n"));
            }

            break;
        case "hold-lock":
            using (store.Locks.Acquire(store.Layout.BuildLock(BuildKey.For(args[2])), "hold for a test"))
            {
                Console.WriteLine("locked");
                Thread.Sleep(Timeout.Infinite);
            }

            break;
        default:
            Console.Error.WriteLine($"unknown mode {mode}");
            return 64;
    }

    return 0;
}
catch (BuildStateException e)
{
    Console.Error.WriteLine(e.ToOneLine());
    return e.ExitCode;
}

static void RunThreads(int threads, int total, Action<int> work)
{
    var next = -1;
    Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, _ =>
    {
        while (Interlocked.Increment(ref next) < total)
        {
            work(next);
        }
    });
}

/// <summary>The lock modes: processes that only take one lock file, for the lock layer's tests.</summary>
internal static class LockModes
{
    public static int Run(string lockPath, string mode, string[] args)
    {
        var locks = new LockManager(FileLockProvider.Instance, TimeSpan.FromSeconds(120));
        switch (mode)
        {
            case "lock-hold":
                using (locks.Acquire(lockPath, "held by a test helper"))
                {
                    Console.WriteLine("locked");
                    Console.ReadLine();
                }

                Console.WriteLine("released");
                return 0;
            case "lock-loop":
                var seconds = double.Parse(args[2], CultureInfo.InvariantCulture);
                var hold = TimeSpan.FromMilliseconds(double.Parse(args[3], CultureInfo.InvariantCulture));
                WarmUp(lockPath);
                Console.WriteLine("ready");
                while (!File.Exists(args[4]))
                {
                    Thread.Sleep(1);
                }

                var (count, maxWait) = (0, TimeSpan.Zero);
                var clock = Stopwatch.StartNew();
                while (clock.Elapsed.TotalSeconds < seconds)
                {
                    var asked = Stopwatch.GetTimestamp();
                    using (locks.Acquire(lockPath, "lock-loop"))
                    {
                        var waited = Stopwatch.GetElapsedTime(asked);
                        maxWait = waited > maxWait ? waited : maxWait;
                        count++;
                        var held = Stopwatch.StartNew();
                        while (held.Elapsed < hold)
                        {
                            // Busy, like a commit: a sleeping holder would let the others run anyway.
                        }
                    }
                }

                Console.WriteLine(FormattableString.Invariant($"{count} {maxWait.TotalMilliseconds:0.0}"));
                return 0;
            default:
                Console.Error.WriteLine($"unknown mode {mode}");
                return 64;
        }
    }

    /// <summary>Compiles the waiting path before the measured loop: a wait that times out behind our own hold.</summary>
    private static void WarmUp(string lockPath)
    {
        using (new LockManager(FileLockProvider.Instance, TimeSpan.FromSeconds(120)).Acquire(lockPath, "warm-up"))
        {
        }

        var impatient = new LockManager(FileLockProvider.Instance, TimeSpan.FromMilliseconds(20));
        using (FileLockProvider.Instance.TryAcquire(lockPath, "warm-up", out _))
        {
            try
            {
                using (impatient.Acquire(lockPath, "warm-up"))
                {
                }
            }
            catch (BuildStateException e) when (e.Kind == StoreErrorKind.LockTimeout)
            {
            }
        }
    }
}
