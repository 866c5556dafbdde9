using System.Diagnostics;
using BuildState.Sdk.Tests.Infrastructure;
using BuildState.Store;

namespace BuildState.Sdk.Tests;

/// <summary>
/// The invocation grouping rule (docs/msbuild.md, "Run ids") with MSBuild's node reuse on, the
/// `dotnet build` default the other tests turn off: worker nodes outlive the command that started
/// them and serve the next one, so "same process" cannot mean "same invocation".
/// </summary>
public class NodeReuseTests(PackageFeed feed) : IClassFixture<PackageFeed>
{
    [Fact]
    public void With_node_reuse_an_invocation_shares_one_run_id_across_its_nodes_and_the_next_one_gets_its_own()
    {
        using var repo = new TestRepo(feed);
        var names = Enumerable.Range(0, 4).Select(i => $"N{i}").ToArray();
        foreach (var name in names)
        {
            repo.Project(name);
        }

        repo.Traversal("all.proj", names);
        repo.Ok("restore", "all.proj");

        // A handshake salt of this test's own: its reusable nodes serve no other build on the machine,
        // and no node left by another build serves this one.
        var salt = Guid.NewGuid().ToString("N");
        var workers = new HashSet<int>();
        try
        {
            var first = BuildAndRead(repo, names, salt);
            workers.UnionWith(first.Select(r => r.Pid));
            Assert.Single(first.Select(r => r.RunId).Distinct());
            Assert.True(first.Select(r => r.Pid).Distinct().Count() >= 2, "the first build used one node only");

            // What makes this test mean something: a node of an earlier invocation serves a later one,
            // which still gets a run id of its own, shared across its nodes. A worker node ends its
            // part of a build (the SDK's end of the build, its writer file removed last) after the
            // command has returned, and MSBuild starts a new node when the old one is not listening
            // again yet: so each next build waits for the writer files to go, and a build that found
            // no idle node is followed by another (at most three), each also checked.
            var runIds = new HashSet<string> { first[0].RunId };
            var reused = false;
            for (var attempt = 0; attempt < 3 && !reused; attempt++)
            {
                WaitForWritersToLeave(repo, workers);
                var next = BuildAndRead(repo, names, salt);
                Assert.Single(next.Select(r => r.RunId).Distinct());
                Assert.True(runIds.Add(next[0].RunId), "a later invocation got the run id of an earlier one");
                reused = next.Any(r => workers.Contains(r.Pid));
                workers.UnionWith(next.Select(r => r.Pid));
            }

            Assert.True(reused, "no node was reused in three builds after the first");
        }
        finally
        {
            foreach (var pid in workers)
            {
                StopNode(pid);
            }

            StopNodesOfPool(salt);
        }
    }

    [Fact]
    public void With_reusable_nodes_two_commands_at_once_from_identical_environments_get_a_run_id_each()
    {
        using var repo = new TestRepo(feed);
        // P0 and P2 each wait, once built, until the other command's has been: so each command's
        // nodes join the invocation registry while the other's invocation is open.
        repo.Project("P0", extra: IncrementalAndParallelTests.Barrier("a.ready", "b.ready"));
        repo.Project("P2", extra: IncrementalAndParallelTests.Barrier("b.ready", "a.ready"));
        repo.Project("P1");
        repo.Project("P3");
        repo.Traversal("a.proj", "P0", "P1");
        repo.Traversal("b.proj", "P2", "P3");
        repo.Ok("restore", "a.proj");
        repo.Ok("restore", "b.proj");

        // One environment for both, no BuildStateRunId; every project in a reusable worker node
        // (MSBUILDNOINPROCNODE), which only the process connected to its pipe tells apart.
        var salt = Guid.NewGuid().ToString("N");
        try
        {
            var a = StartBuild(repo, "a.proj", salt, out var logA);
            var b = StartBuild(repo, "b.proj", salt, out var logB);
            var entries = new[] { a.Id, b.Id };
            foreach (var (process, log) in new[] { (a, logA), (b, logB) })
            {
                using (process)
                {
                    if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
                    {
                        process.Kill(entireProcessTree: true);
                        Assert.Fail($"a build did not finish in 5 minutes:\n{File.ReadAllText(log)}");
                    }

                    Assert.True(process.ExitCode == 0, File.ReadAllText(log));
                }
            }

            var store = repo.Store();
            var first = new[] { "P0", "P1" }.Select(n => store.Get(TestRepo.Id(n))).ToList();
            var second = new[] { "P2", "P3" }.Select(n => store.Get(TestRepo.Id(n))).ToList();
            Assert.DoesNotContain(first.Concat(second), r => entries.Contains(r.Resources.ProcessId ?? 0)); // built in worker nodes only
            var idA = Assert.Single(first.Select(r => r.RunId).Distinct());
            var idB = Assert.Single(second.Select(r => r.RunId).Distinct());
            Assert.NotEqual(idA, idB);
        }
        finally
        {
            StopNodesOfPool(salt); // those the store names, and any a failed build left unnamed
        }
    }

    private static Process StartBuild(TestRepo repo, string project, string salt, out string log)
    {
        log = Path.Combine(repo.Root, $"build-{Path.GetFileNameWithoutExtension(project)}.log");
        var info = DotNet.StartInfo(repo.Root, repo.NuGetPackages, "build", project, "-m:2", "--no-restore", "-nodeReuse:true", "-fl", $"-flp:logfile={log};verbosity=minimal");
        info.RedirectStandardOutput = false; // a reused node keeps the entry process's streams open (BuildAndRead)
        info.RedirectStandardError = false;
        info.Environment.Remove("MSBUILDDISABLENODEREUSE");
        info.Environment["MSBUILDNODEHANDSHAKESALT"] = salt;
        info.Environment["MSBUILDNOINPROCNODE"] = "1";
        return Process.Start(info)!;
    }

    private static void WaitForWritersToLeave(TestRepo repo, HashSet<int> pids)
    {
        var writers = Path.Combine(repo.StoreRoot, "locks", "writers");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (Directory.Exists(writers) && Directory.EnumerateFiles(writers).Any(f => int.TryParse(Path.GetFileName(f).Split('-')[0], out var pid) && pids.Contains(pid)))
        {
            Assert.True(DateTime.UtcNow < deadline, "a node of the first build still had its writer file after 30 s");
            Thread.Sleep(50);
        }
    }

    private static List<(string RunId, int Pid)> BuildAndRead(TestRepo repo, string[] names, string salt)
    {
        // The build's output goes to a log file, not to pipes: a reused node inherits the entry
        // process's standard streams and keeps them open after the command has exited, so reading
        // them to their end would wait for the node's idle timeout.
        var log = Path.Combine(repo.Root, $"build-{Guid.NewGuid():N}.log");
        var info = DotNet.StartInfo(repo.Root, repo.NuGetPackages, "build", "all.proj", "-m:2", "--no-restore", "-nodeReuse:true", "-fl", $"-flp:logfile={log};verbosity=minimal");
        info.RedirectStandardOutput = false;
        info.RedirectStandardError = false;
        info.Environment.Remove("MSBUILDDISABLENODEREUSE");
        info.Environment["MSBUILDNODEHANDSHAKESALT"] = salt;
        using (var process = Process.Start(info)!)
        {
            if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"the build did not finish in 5 minutes:\n{File.ReadAllText(log)}");
            }

            Assert.True(process.ExitCode == 0, File.ReadAllText(log));
        }

        var store = repo.Store();
        return names.Select(n => store.Get(TestRepo.Id(n))).Select(r => (r.RunId!, r.Resources.ProcessId ?? 0)).ToList();
    }

    /// <summary>
    /// Ends every MSBuild node of this test's pool (its handshake salt in the process's environment):
    /// also one a failed build left before the store named it, which would otherwise idle on with the
    /// test run's standard streams open.
    /// </summary>
    private static void StopNodesOfPool(string salt)
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // /proc is Linux's: elsewhere only the nodes a test knows by id are stopped
        }

        var mark = "MSBUILDNODEHANDSHAKESALT=" + salt + "\0";
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            try
            {
                if (File.ReadAllText(Path.Combine(folder, "environ")).Contains(mark, StringComparison.Ordinal))
                {
                    StopNode(pid);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // gone, or not ours
            }
        }
    }

    /// <summary>Ends a reused MSBuild node this test started (the build's entry processes have exited already).</summary>
    private static void StopNode(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            if (process.ProcessName == "dotnet" && pid != Environment.ProcessId)
            {
                process.Kill();
                process.WaitForExit(10_000);
            }
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // gone already
        }
    }
}
