using System.Globalization;
using BuildState.Errors;
using BuildState.Store;

// A helper for the concurrency and kill tests: started as many real processes that hammer one store.
//   hammer ROOT counter BUILD UPDATES THREADS DURABILITY   increments metadata["count"] UPDATES times in total
//   hammer ROOT lifecycle PREFIX RUNS THREADS DURABILITY   runs full default lifecycles on PREFIX-<thread> builds, forever when RUNS is 0
//   hammer ROOT hold-lock BUILD                            takes the build's lock, prints "locked", then sleeps until killed
//   hammer FILE append TAG COUNT                           appends COUNT lines "TAG-<i>" to FILE with IFileSystem.AppendConcurrent
try
{
    var root = args[0];
    var mode = args[1];
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
