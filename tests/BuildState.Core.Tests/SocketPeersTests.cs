using System.Net.Sockets;
using BuildState.Core.Tests.Infrastructure;
using BuildState.IO;
using BuildState.Model;

namespace BuildState.Core.Tests;

/// <summary>
/// Who is at the other end of this process's Unix sockets (what tells a reused MSBuild node which
/// command it builds for, docs/msbuild.md "Grouping runs into invocations"), with a real process
/// connected to a real listener.
/// </summary>
[Collection("processes")]
public sealed class SocketPeersTests
{
    [Fact]
    public void The_process_connected_to_a_socket_of_that_name_is_found_and_is_gone_once_it_exits()
    {
        if (!SocketPeers.Supported)
        {
            return; // Linux only
        }

        var folder = Directory.CreateTempSubdirectory("bst-sock-").FullName;
        var name = "MSBuild" + Environment.ProcessId; // the name MSBuild gives a node's pipe
        try
        {
            using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            listener.Bind(new UnixDomainSocketEndPoint(Path.Combine(folder, name)));
            listener.Listen();
            Assert.Empty(OwnerInfo.ConnectedThrough(name)); // the listener alone: its own process is no peer

            using var client = Hammer.Start(Path.Combine(folder, name), "connect-unix");
            using var accepted = listener.AcceptAsync().WaitAsync(TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
            Hammer.WaitForLine(client, "connected", TimeSpan.FromSeconds(30));

            var peer = Assert.Single(OwnerInfo.ConnectedThrough(name));
            Assert.Equal(client.Id, peer.ProcessId);
            Assert.Equal(Liveness.Alive, ProcessLiveness.Check(peer));
            Assert.Empty(OwnerInfo.ConnectedThrough("MSBuild0"));

            client.Kill();
            client.WaitForExit();
            Assert.Empty(OwnerInfo.ConnectedThrough(name)); // the socket is still open here; its peer is gone
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
