using System.Diagnostics;
using System.Text.RegularExpressions;
using BuildState.Core.Tests.Infrastructure;
using BuildState.Model;
using BuildState.Serialization;
using BuildState.Store;

namespace BuildState.Core.Tests;

/// <summary>
/// The registry that groups one build command's runs (docs/msbuild.md, "Grouping runs into
/// invocations"), with real processes as the other participants: a node still building keeps its
/// invocation open, and an invocation nobody is building in any more leaves the file at once.
/// </summary>
[Collection("processes")]
public sealed class InvocationRegistryTests
{
    private const string Fingerprint = "0123456789abcdef0123456789abcdef";

    [Fact]
    public void A_second_node_joins_the_open_invocation_and_the_last_to_leave_removes_it()
    {
        using var f = new StoreFixture();
        using var other = Sleeper();
        var registry = new InvocationRegistry(f.Store);

        var first = registry.Join(Fingerprint, Owner(other), DateTimeOffset.UtcNow);
        var second = registry.Join(Fingerprint, OwnerInfo.Current, DateTimeOffset.UtcNow);
        Assert.Equal(first, second);
        Assert.Matches(new Regex("^[0-9]{8}T[0-9]{6}Z-[0-9a-f]{6}$"), first);

        registry.Leave(second, OwnerInfo.Current, DateTimeOffset.UtcNow);
        Assert.Single(Invocations(f)); // the other node is still building

        registry.Leave(first, Owner(other), DateTimeOffset.UtcNow);
        Assert.Empty(Invocations(f));
    }

    [Fact]
    public void An_invocation_whose_nodes_died_goes_at_the_next_join_which_opens_a_new_one()
    {
        using var f = new StoreFixture();
        var registry = new InvocationRegistry(f.Store);
        string killed;
        using (var dead = Sleeper())
        {
            killed = registry.Join(Fingerprint, Owner(dead), DateTimeOffset.UtcNow);
        } // killed, as a build cut off by Ctrl+C leaves its nodes' entries active

        var next = registry.Join(Fingerprint, OwnerInfo.Current, DateTimeOffset.UtcNow);

        Assert.NotEqual(killed, next);
        Assert.Equal([next], Invocations(f).Select(i => i.RunId));
    }

    [Fact]
    public void Finished_invocations_do_not_pile_up_over_many_builds()
    {
        using var f = new StoreFixture();
        var registry = new InvocationRegistry(f.Store);
        var ids = new HashSet<string>();
        for (var build = 0; build < 20; build++)
        {
            var id = registry.Join(Fingerprint, OwnerInfo.Current, DateTimeOffset.UtcNow);
            registry.Leave(id, OwnerInfo.Current, DateTimeOffset.UtcNow);
            ids.Add(id);
            Assert.Empty(Invocations(f));
        }

        Assert.True(ids.Count >= 2, "each build after the previous one left gets a new id");
    }

    [Fact]
    public void Two_commands_at_once_from_identical_environments_get_an_id_each_when_their_nodes_know_their_entry()
    {
        using var f = new StoreFixture();
        using Node entryA = Sleeper(), workerA = Sleeper(), entryB = Sleeper(), workerB = Sleeper();
        var registry = new InvocationRegistry(f.Store);

        var a = registry.Join(Fingerprint, Owner(entryA), DateTimeOffset.UtcNow, entry: Owner(entryA)); // an entry process's own node
        var b = registry.Join(Fingerprint, Owner(entryB), DateTimeOffset.UtcNow, entry: Owner(entryB));
        var fromWorkerB = registry.Join(Fingerprint, Owner(workerB), DateTimeOffset.UtcNow, entry: Owner(entryB)); // a worker node without reuse: its parent
        var fromWorkerA = registry.Join(Fingerprint, Owner(workerA), DateTimeOffset.UtcNow, entry: Owner(entryA));

        Assert.NotEqual(a, b);
        Assert.Equal((a, b), (fromWorkerA, fromWorkerB));
        Assert.Equal(2, Invocations(f).Count);
    }

    [Fact]
    public void A_node_that_does_not_know_its_entry_joins_the_newest_open_invocation_of_its_environment()
    {
        using var f = new StoreFixture();
        using Node entryA = Sleeper(), entryB = Sleeper(), reused = Sleeper();
        var registry = new InvocationRegistry(f.Store);

        registry.Join(Fingerprint, Owner(entryA), DateTimeOffset.UtcNow.AddSeconds(-1), entry: Owner(entryA));
        var b = registry.Join(Fingerprint, Owner(entryB), DateTimeOffset.UtcNow, entry: Owner(entryB));

        Assert.Equal(b, registry.Join(Fingerprint, Owner(reused), DateTimeOffset.UtcNow)); // a reusable worker node: it cannot tell, as before
    }

    [Fact]
    public void A_node_that_knows_its_entry_joins_the_invocation_a_reused_node_opened_and_names_the_entry()
    {
        using var f = new StoreFixture();
        using Node entry = Sleeper(), reused = Sleeper(), other = Sleeper();
        var registry = new InvocationRegistry(f.Store);

        var opened = registry.Join(Fingerprint, Owner(reused), DateTimeOffset.UtcNow);
        Assert.Equal(opened, registry.Join(Fingerprint, Owner(entry), DateTimeOffset.UtcNow, entry: Owner(entry)));
        Assert.Equal(entry.Process.Id, Assert.Single(Invocations(f)).Entry?.ProcessId);

        // Named now: another command's entry process no longer joins it.
        Assert.NotEqual(opened, registry.Join(Fingerprint, Owner(other), DateTimeOffset.UtcNow, entry: Owner(other)));
    }

    [Fact]
    public void An_invocation_whose_entry_process_died_is_joined_by_no_later_command()
    {
        using var f = new StoreFixture();
        using Node worker = Sleeper(), nextEntry = Sleeper(), nextReused = Sleeper();
        var registry = new InvocationRegistry(f.Store);
        string killed;
        using (var entry = Sleeper())
        {
            killed = registry.Join(Fingerprint, Owner(entry), DateTimeOffset.UtcNow, entry: Owner(entry));
            Assert.Equal(killed, registry.Join(Fingerprint, Owner(worker), DateTimeOffset.UtcNow, entry: Owner(entry)));
        } // the command killed, one of its worker nodes still building

        Assert.NotEqual(killed, registry.Join(Fingerprint, Owner(nextReused), DateTimeOffset.UtcNow));
        Assert.NotEqual(killed, registry.Join(Fingerprint, Owner(nextEntry), DateTimeOffset.UtcNow, entry: Owner(nextEntry)));
    }

    private static List<InvocationRegistry.Invocation> Invocations(StoreFixture f)
    {
        var path = Path.Combine(f.StoreRoot, "invocations.json");
        return File.Exists(path) ? InvocationsJsonCodec.Deserialize(File.ReadAllBytes(path))!.Invocations : [];
    }

    private static OwnerInfo Owner(Node n) => new() { ProcessId = n.Process.Id, Host = Environment.MachineName, ProcessStartedAt = null };

    /// <summary>A live process standing in for another MSBuild node; killed when disposed.</summary>
    private static Node Sleeper() => new(Process.Start(new ProcessStartInfo("sleep", "60") { UseShellExecute = false })!);

    private sealed class Node(Process process) : IDisposable
    {
        public Process Process => process;

        public void Dispose()
        {
            if (!process.HasExited)
            {
                process.Kill();
                process.WaitForExit();
            }

            process.Dispose();
        }
    }
}
