using BuildState.Errors;

namespace BuildState.Sdk.Session;

/// <summary>A store error as the text of a build message (BST1001, BST1005).</summary>
internal static class StoreErrorText
{
    /// <summary>
    /// The file and what went wrong, without the command-line tool's error kind and exit code
    /// (<see cref="BuildStateException.ToOneLine"/>), which read in a build log as if a process had exited.
    /// </summary>
    public static string Describe(BuildStateException e) => e.FilePath is null ? e.Message : $"{e.FilePath}: {e.Message}";

    /// <summary>
    /// <see cref="Describe"/> for BST1001, with what to do where the store's message does not say it
    /// already (a lock held, a refused access or a full disk says it; damage only sometimes).
    /// </summary>
    public static string DescribeUnusable(BuildStateException e) =>
        Describe(e) + (e.Kind == StoreErrorKind.Corruption && !e.Message.Contains("`buildstate recover`", StringComparison.Ordinal)
            ? "; `buildstate recover` repairs the store (what it cannot keep goes to damaged/)"
            : "");
}
