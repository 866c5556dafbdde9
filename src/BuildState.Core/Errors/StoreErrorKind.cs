namespace BuildState.Errors;

/// <summary>
/// What went wrong, as a kind a script can act on. Each kind maps to exactly one exit code of the
/// <c>buildstate</c> command (see <see cref="ExitCodes"/>); DESIGN.md fixes those numbers.
/// </summary>
public enum StoreErrorKind
{
    /// <summary>Anything not covered by a more specific kind (exit code 1).</summary>
    General,

    /// <summary>A lock could not be taken before its timeout (exit code 2).</summary>
    LockTimeout,

    /// <summary>A store file is damaged, torn, altered or of an unknown shape (exit code 3).</summary>
    Corruption,

    /// <summary>A rule was broken: illegal transition, failed validation (exit code 4).</summary>
    Validation,

    /// <summary>A build, checkpoint or file does not exist (exit code 5).</summary>
    NotFound,

    /// <summary>The operating system refused access, or the store holds a symbolic link (exit code 6).</summary>
    PermissionDenied,

    /// <summary>The disk or quota is full (exit code 7).</summary>
    DiskFull,

    /// <summary>An operation ran out of time (exit code 9).</summary>
    Timeout,

    /// <summary>
    /// A file written by a newer BuildState, of a schema this code does not know (exit code 8). Not
    /// damage: it is never repaired, rewritten or moved aside; the remedy is a newer tool.
    /// </summary>
    NewerSchema,
}
