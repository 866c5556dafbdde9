using System.Runtime.InteropServices;
using System.Text;

namespace BuildState.IO;

/// <summary>
/// The processes at the other end of this process's connected Unix domain sockets that are bound at
/// a path of a given file name (Linux): the kernel's record of who connected (SO_PEERCRED), read
/// from this process's own descriptors, listed in <c>/proc/self/fd</c>.
/// </summary>
internal static unsafe partial class SocketPeers
{
    private const int SolSocket = 1, SoPeerCred = 17; // asm-generic values: x86, x64, ARM, ARM64
    private const ushort AfUnix = 1;
    private const int SockaddrUnSize = 110; // sa_family_t and sun_path[108]

    /// <summary>True where the constants above are Linux's.</summary>
    public static bool Supported => OperatingSystem.IsLinux()
        && RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.X86 or Architecture.Arm64 or Architecture.Arm;

    /// <summary>The ids of the peer processes (other than this one) of the sockets bound at <c>.../<paramref name="fileName"/></c>; empty when unsupported.</summary>
    public static List<int> Of(string fileName)
    {
        var peers = new List<int>();
        if (!Supported)
        {
            return peers;
        }

        var suffix = Encoding.UTF8.GetBytes("/" + fileName);
        var address = stackalloc byte[SockaddrUnSize];
        foreach (var entry in Directory.EnumerateFileSystemEntries("/proc/self/fd"))
        {
            var fd = Descriptor(entry);
            if (fd < 0)
            {
                continue;
            }

            var length = (uint)SockaddrUnSize;
            if (GetSockName(fd, address, &length) != 0 || length <= 2 || *(ushort*)address != AfUnix)
            {
                continue; // not a socket (or gone: the listing's own descriptor), or not a Unix one
            }

            if (!PathEndsWith(new ReadOnlySpan<byte>(address + 2, (int)Math.Min(length, SockaddrUnSize) - 2), suffix))
            {
                continue;
            }

            Ucred peer;
            var size = (uint)sizeof(Ucred);
            if (GetSockOpt(fd, SolSocket, SoPeerCred, &peer, &size) == 0 && peer.Pid > 0 && peer.Pid != Environment.ProcessId && !peers.Contains(peer.Pid))
            {
                peers.Add(peer.Pid); // a listening socket's "peer" is this process itself, left out above
            }
        }

        return peers;
    }

    /// <summary>
    /// Whether a socket path (<c>sun_path</c>, up to its first NUL) ends with <paramref name="suffix"/>.
    /// Byte by byte: the framework's generic span search over bytes is JIT-compiled in a node.
    /// </summary>
    private static bool PathEndsWith(ReadOnlySpan<byte> path, byte[] suffix)
    {
        var end = 0;
        while (end < path.Length && path[end] != 0)
        {
            end++;
        }

        if (end < suffix.Length)
        {
            return false;
        }

        for (var i = 0; i < suffix.Length; i++)
        {
            if (path[end - suffix.Length + i] != suffix[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The number at the end of a <c>/proc/self/fd/N</c> entry; -1 when it is none (digits by hand: no generic parsing code to JIT in a node).</summary>
    private static int Descriptor(string entry)
    {
        var fd = 0;
        var start = entry.LastIndexOf('/') + 1;
        if (start == 0 || start == entry.Length || entry.Length - start > 9)
        {
            return -1;
        }

        for (var i = start; i < entry.Length; i++)
        {
            if (entry[i] is < '0' or > '9')
            {
                return -1;
            }

            fd = (fd * 10) + (entry[i] - '0');
        }

        return fd;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Ucred
    {
        public int Pid;
        public uint Uid;
        public uint Gid;
    }

    [LibraryImport("libc", EntryPoint = "getsockname")]
    private static partial int GetSockName(int fd, byte* address, uint* length);

    [LibraryImport("libc", EntryPoint = "getsockopt")]
    private static partial int GetSockOpt(int fd, int level, int name, void* value, uint* length);
}
