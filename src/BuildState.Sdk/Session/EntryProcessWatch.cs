using System.Runtime.InteropServices;

namespace BuildState.Sdk.Session;

/// <summary>
/// Tells a worker node that the build's entry process (the `dotnet build` that started it) died
/// during the build: killed alone, as a CI runner or an IDE may do. The node then loses its pipe,
/// MSBuild cancels what it was building, and the end of the build would otherwise close those runs
/// as failed targets; they were cut off (DESIGN: a run a kill cut off is Interrupted).
///
/// How: a worker node is a child of the entry process that launched it; when that process dies the
/// kernel gives the node another parent, so its parent id changes during the build. Unix only, and
/// only for nodes this invocation launched: a node reused from an earlier invocation lost its first
/// parent long ago, and is not told this way (docs/msbuild.md, "Failures").
/// </summary>
internal sealed class EntryProcessWatch
{
    private readonly int? _parentAtStart;

    private EntryProcessWatch(int? parentAtStart) => _parentAtStart = parentAtStart;

    /// <summary>Notes this node's parent now (nothing in the entry process itself, or on Windows).</summary>
    public static EntryProcessWatch Start()
    {
        try
        {
            return new(!OperatingSystem.IsWindows() && IsWorkerNode() ? ParentProcessId() : null);
        }
        catch (Exception e) when (e is not OutOfMemoryException) // no way to tell (no /proc, no libc): never a reason to fail the build
        {
            return new(null);
        }
    }

    /// <summary>True when this worker node's parent changed since <see cref="Start"/>: the entry process is gone.</summary>
    public bool EntryGone
    {
        get
        {
            try
            {
                return _parentAtStart is { } parent && ParentProcessId() != parent;
            }
            catch (Exception e) when (e is not OutOfMemoryException) // no way to tell (no /proc, no libc): never a reason to fail the build
            {
                return false;
            }
        }
    }

    /// <summary>
    /// MSBuild starts its worker nodes with the nodemode switch (`/nodemode:1`). Compared argument
    /// by argument, ordinally: a case-insensitive search of the whole command line takes the
    /// runtime's vectorized paths, JIT-compiled in each node (docs/benchmarks.md section 1).
    /// </summary>
    private static bool IsWorkerNode()
    {
        foreach (var arg in Environment.GetCommandLineArgs())
        {
            if (arg.StartsWith("/nodemode:", StringComparison.Ordinal) || arg.StartsWith("-nodemode:", StringComparison.Ordinal)
                || arg.StartsWith("/nodeMode:", StringComparison.Ordinal) || arg.StartsWith("-nodeMode:", StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    // Linux: read from /proc (a P/Invoke's marshalling stub would be JIT-compiled in every node,
    // a cost each no-op build pays, docs/benchmarks.md section 1); elsewhere libc's getppid.
    private static int ParentProcessId() => OperatingSystem.IsLinux() ? ParentFromProc() : GetParentProcessId();

    /// <summary>The fourth field of /proc/self/stat, after the command name in parentheses (which may hold spaces or parentheses itself).</summary>
    private static int ParentFromProc()
    {
        var stat = File.ReadAllText("/proc/self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ', 3);
        return int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    [DllImport("libc", EntryPoint = "getppid")]
    private static extern int GetParentProcessId();
}
