using BuildState.Model;

namespace BuildState.Sdk.TestRecorder;

/// <summary>
/// The process that started a test application: under `dotnet test`, the `dotnet test` process,
/// which also ran the build's MSBuild entry node. Read from <c>/proc</c> (Linux); elsewhere unknown.
/// </summary>
internal static class LauncherProcess
{
    /// <summary>The `dotnet test` that started a test process, while it runs (Linux); null when unknown or gone.</summary>
    public static OwnerInfo? Of(int processId)
    {
        if (processId <= 0 || !OperatingSystem.IsLinux())
        {
            return null;
        }

        try
        {
            var parent = ParentPastControllers(processId);
            return parent > 0 && IsDotnetTest(parent) ? OwnerInfo.Of(parent) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // gone, or not ours to look at: no grouping by launcher
        }
    }

    /// <summary>
    /// True when the `dotnet test` that started a test process is known to be gone (Linux): the
    /// process now has a parent that is not a `dotnet test` (init, a container's first process, a
    /// subreaper), so its tests went on alone after `dotnet test` was stopped (a signal to it
    /// alone, not to its process group). False when that cannot be read.
    /// </summary>
    public static bool LostDotnetTest(int processId)
    {
        if (processId <= 0 || !OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            var parent = ParentPastControllers(processId);
            return parent > 0 && !IsDotnetTest(parent);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false; // not ours to look at: nothing is claimed
        }
    }

    /// <summary>`dotnet test` (its command line has the word test), which may well be process 1 in a container.</summary>
    private static bool IsDotnetTest(int processId) =>
        File.ReadAllText($"/proc/{processId}/cmdline").Split('\0').Contains("test");

    /// <summary>
    /// The parent, past a test host controller: what crash and hang dump extensions start the
    /// tests under runs the same application, with the tests as its child.
    /// </summary>
    private static int ParentPastControllers(int processId)
    {
        var application = Application(processId);
        var parent = OwnerInfo.ParentOf(processId) ?? 0;
        for (var hops = 0; parent > 0 && application is not null && hops < 3 && Application(parent) == application; hops++)
        {
            parent = OwnerInfo.ParentOf(parent) ?? 0;
        }

        return parent;
    }

    /// <summary>What a process runs: its first .dll argument (under the dotnet host), else its executable.</summary>
    private static string? Application(int processId)
    {
        var arguments = File.ReadAllText($"/proc/{processId}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);
        return arguments.FirstOrDefault(a => a.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)) ?? arguments.FirstOrDefault();
    }
}
