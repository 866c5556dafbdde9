using BuildState.Model;

namespace BuildState.Sdk.Session;

/// <summary>
/// The entry process of the build command this node works for, where the node can know it: what
/// keeps two commands started at once from identical environments apart in the invocation registry
/// (docs/msbuild.md, "Grouping runs into invocations"). MSBuild tells a node nothing of the
/// command, but its own command line says what kind of node it is.
/// </summary>
internal static class EntryProcess
{
    /// <summary>
    /// This process when it is not an MSBuild node process (no <c>nodemode</c> switch: `dotnet build`
    /// itself, whose in-proc node runs tasks too, or a host of the MSBuild API); its parent when it is
    /// a worker node started without node reuse (<c>/nodemode:1 /nodeReuse:false</c>), which builds
    /// only for the command that started it (Linux: the parent is read from /proc). Null otherwise: a
    /// reusable worker node may have been started by an earlier command, and an MSBuild server or task
    /// host serves more than one.
    /// </summary>
    public static OwnerInfo? Of(IReadOnlyList<string> commandLine)
    {
        var mode = Switch(commandLine, "nodemode");
        if (mode is null)
        {
            return OwnerInfo.Current;
        }

        var reuse = Switch(commandLine, "nodereuse") ?? Switch(commandLine, "nr");
        return mode == "1" && string.Equals(reuse, "false", StringComparison.OrdinalIgnoreCase) && OwnerInfo.ParentOf(Environment.ProcessId) is { } parent
            ? OwnerInfo.Of(parent)
            : null;
    }

    /// <summary>The value of an MSBuild switch (<c>/name:value</c>, <c>-name:value</c> or <c>--name:value</c>, any case); null when absent.</summary>
    private static string? Switch(IReadOnlyList<string> commandLine, string name)
    {
        foreach (var argument in commandLine)
        {
            var start = argument.StartsWith("--", StringComparison.Ordinal) ? 2 : argument.StartsWith('/') || argument.StartsWith('-') ? 1 : -1;
            if (start > 0
                && argument.Length > start + name.Length
                && argument[start + name.Length] == ':'
                && string.Compare(argument, start, name, 0, name.Length, StringComparison.OrdinalIgnoreCase) == 0)
            {
                return argument[(start + name.Length + 1)..];
            }
        }

        return null;
    }
}
