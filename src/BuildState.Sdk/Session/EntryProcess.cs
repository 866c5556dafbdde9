using System.Runtime.InteropServices;
using BuildState.Model;

namespace BuildState.Sdk.Session;

/// <summary>
/// The entry process of the build command this node works for (the `dotnet build` process), as far
/// as the node can know it. MSBuild tells a node nothing of the command, but the node's own command
/// line says what kind of node it is, and a worker node is a child of the process that started it.
/// What keeps two commands started at once from identical environments apart in the invocation
/// registry (docs/msbuild.md, "Grouping runs into invocations"), and how a worker node learns that
/// its command was killed (<see cref="EntryProcessWatch"/>).
/// </summary>
internal static class EntryProcess
{
    /// <summary>
    /// This process when it is not an MSBuild node process (no <c>nodemode</c> switch: `dotnet build`
    /// itself, whose in-proc node runs tasks too, or a host of the MSBuild API). For a worker node
    /// (<c>/nodemode:1</c>): started without node reuse (<c>/nodeReuse:false</c>), its parent, the
    /// command that started it and the only one it builds for; a reusable one, the process connected
    /// to its node pipe, the command it builds for now (Linux: SO_PEERCRED). Null otherwise (an
    /// MSBuild server or a task host, which serve more than one; no one or more than one live
    /// process on the pipe; Windows, and a reusable node on macOS, where this is not looked up).
    /// </summary>
    /// <param name="commandLine">This process's command line.</param>
    /// <param name="parentAtStart">This node's parent as already read at the build's start (<see cref="EntryProcessWatch.ParentAtStart"/>), or null to read it here.</param>
    public static OwnerInfo? Of(IReadOnlyList<string> commandLine, int? parentAtStart = null)
    {
        var mode = Switch(commandLine, "nodemode");
        if (mode is null)
        {
            return OwnerInfo.Current;
        }

        if (mode != "1" || OperatingSystem.IsWindows())
        {
            return null;
        }

        var reuse = Switch(commandLine, "nodereuse") ?? Switch(commandLine, "nr");
        try
        {
            if (reuse is not null && EqualsAsciiIgnoreCase(reuse, "false"))
            {
                return OwnerInfo.Of(parentAtStart ?? ParentProcessId());
            }

            // A reusable node: the process connected to its pipe (MSBuild's `MSBuild<pid>` socket)
            // is the command it builds for now, whoever started it.
            var connected = OwnerInfo.ConnectedThrough("MSBuild" + Environment.ProcessId);
            return connected.Count == 1 ? connected[0] : null;
        }
        catch (Exception e) when (e is not OutOfMemoryException) // no way to tell (no /proc, no libc): the node joins as one that cannot tell
        {
            return null;
        }
    }

    /// <summary>True in an MSBuild node process (started with the <c>nodemode</c> switch), false in the entry process.</summary>
    public static bool IsNode(IReadOnlyList<string> commandLine) => Switch(commandLine, "nodemode") is not null;

    /// <summary>
    /// This process's parent. Linux: read from /proc (a P/Invoke's marshalling stub would be
    /// JIT-compiled in every node, a cost each no-op build pays, docs/benchmarks.md section 1);
    /// elsewhere libc's getppid (not on Windows). Throws when it cannot be read.
    /// </summary>
    public static int ParentProcessId() =>
        !OperatingSystem.IsLinux() ? GetParentProcessId()
        : OwnerInfo.ParentOf(Environment.ProcessId) ?? throw new IOException("/proc/self/stat cannot be read");

    /// <summary>
    /// The value of an MSBuild switch (<c>/name:value</c>, <c>-name:value</c> or <c>--name:value</c>,
    /// the name in any case); null when absent. Compared character by character: the framework's
    /// case-insensitive comparisons take vectorized paths that are JIT-compiled in each node.
    /// </summary>
    private static string? Switch(IReadOnlyList<string> commandLine, string name)
    {
        foreach (var argument in commandLine)
        {
            var start = argument.Length > 1 && argument[0] == '-' && argument[1] == '-' ? 2 : argument.Length > 0 && argument[0] is '/' or '-' ? 1 : 0;
            if (start > 0 && argument.Length > start + name.Length && argument[start + name.Length] == ':' && EqualsAsciiIgnoreCase(argument.AsSpan(start, name.Length), name))
            {
                return argument[(start + name.Length + 1)..];
            }
        }

        return null;
    }

    /// <summary>Equal when the texts differ only in the case of ASCII letters (<paramref name="lower"/> is lower case).</summary>
    private static bool EqualsAsciiIgnoreCase(ReadOnlySpan<char> text, string lower)
    {
        if (text.Length != lower.Length)
        {
            return false;
        }

        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if ((c is >= 'A' and <= 'Z' ? (char)(c + 32) : c) != lower[i])
            {
                return false;
            }
        }

        return true;
    }

    [DllImport("libc", EntryPoint = "getppid")]
    private static extern int GetParentProcessId();
}
