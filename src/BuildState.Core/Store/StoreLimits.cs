namespace BuildState.Store;

/// <summary>
/// Limits on everything the store reads, so a hostile or damaged file gives a clear error instead
/// of exhausting memory or the stack.
/// </summary>
public static class StoreLimits
{
    /// <summary>Deepest JSON nesting accepted in any store file (ours never exceed 8).</summary>
    public const int MaxJsonDepth = 64;

    /// <summary>Largest current_state.json, checkpoint or backup file read.</summary>
    public const long MaxStateFileBytes = 32L * 1024 * 1024;

    /// <summary>Largest index.json read.</summary>
    public const long MaxIndexFileBytes = 128L * 1024 * 1024;

    /// <summary>Largest single history record.</summary>
    public const int MaxHistoryRecordBytes = 32 * 1024 * 1024;

    /// <summary>Largest history file read in one piece.</summary>
    public const long MaxHistoryFileBytes = 1024L * 1024 * 1024;

    /// <summary>
    /// Most transitions of the latest run a state carries (the newest; BuildRecord.EarlierTransitions
    /// counts the rest, which its history holds). A run of the default lifecycle has six.
    /// </summary>
    public const int MaxTransitionsInState = 64;

    /// <summary>Longest build id accepted.</summary>
    public const int MaxBuildIdLength = 4096;

    /// <summary>Longest lock file read.</summary>
    public const long MaxLockFileBytes = 64 * 1024;
}
