using BuildState.Model;
using BuildState.Sdk.Session;

namespace BuildState.Sdk.Tests;

/// <summary>Which process a node names as its command's entry, from its command line (docs/msbuild.md, "Grouping runs into invocations").</summary>
public class EntryProcessTests
{
    private const string MSBuild = "/usr/share/dotnet/sdk/10.0.100/MSBuild.dll";

    [Fact]
    public void A_process_that_is_no_MSBuild_node_is_its_own_entry()
    {
        Assert.Equal(OwnerInfo.Current, EntryProcess.Of(["dotnet", "build", "-m", "-nodeReuse:false"]));
    }

    [Fact]
    public void A_worker_node_started_without_node_reuse_names_its_parent()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // the parent is read from /proc
        }

        var parent = OwnerInfo.ParentOf(Environment.ProcessId);
        Assert.NotNull(parent);
        var expected = OwnerInfo.Of(parent.Value);
        foreach (var line in new[]
        {
            new[] { MSBuild, "/noautoresponse", "/nologo", "/nodemode:1", "/nodeReuse:false", "/low:false" }, // as MSBuild starts its worker nodes
            [MSBuild, "--NodeMode:1", "-NR:False"],
        })
        {
            var entry = EntryProcess.Of(line);
            Assert.NotNull(entry);
            Assert.Equal((expected!.ProcessId, expected.Host), (entry.ProcessId, entry.Host));
        }
    }

    [Fact]
    public void A_server_a_task_host_or_a_reusable_worker_node_no_command_is_connected_to_does_not_know()
    {
        Assert.Null(EntryProcess.Of([MSBuild, "/nologo", "/nodemode:8", "/nodeReuse:false"]));
        Assert.Null(EntryProcess.Of([MSBuild, "/nologo", "/nodemode:2", "/nodeReuse:false"]));
        // A reusable node names the process connected to its pipe (MSBuild<pid>): this test process has none.
        Assert.Null(EntryProcess.Of([MSBuild, "/nologo", "/nodemode:1", "/nodeReuse:true", "/low:false"]));
        Assert.Null(EntryProcess.Of([MSBuild, "/nologo", "/nodemode:1"]));
    }
}
