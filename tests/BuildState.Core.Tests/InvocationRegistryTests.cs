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
