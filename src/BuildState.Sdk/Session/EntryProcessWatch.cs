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
            return new(!OperatingSystem.IsWindows() && EntryProcess.IsNode(Environment.GetCommandLineArgs()) ? EntryProcess.ParentProcessId() : null);
        }
        catch (Exception e) when (e is not OutOfMemoryException) // no way to tell (no /proc, no libc): never a reason to fail the build
        {
            return new(null);
        }
    }

    /// <summary>This worker node's parent when the watch started (the build's first task here); null in the entry process, on Windows, or when it could not be read.</summary>
    public int? ParentAtStart => _parentAtStart;

    /// <summary>True when this worker node's parent changed since <see cref="Start"/>: the entry process is gone.</summary>
    public bool EntryGone
    {
        get
        {
            try
            {
                return _parentAtStart is { } parent && EntryProcess.ParentProcessId() != parent;
            }
            catch (Exception e) when (e is not OutOfMemoryException) // no way to tell (no /proc, no libc): never a reason to fail the build
            {
                return false;
            }
        }
    }
}
