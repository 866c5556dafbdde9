namespace BuildState.Errors;

/// <summary>The process exit codes of DESIGN.md; one per <see cref="StoreErrorKind"/>, plus success and usage.</summary>
public static class ExitCodes
{
    public const int Success = 0;
    public const int General = 1;
    public const int LockTimeout = 2;
    public const int Corruption = 3;
    public const int ValidationFailed = 4;
    public const int NotFound = 5;
    public const int PermissionDenied = 6;
    public const int DiskFull = 7;

    /// <summary>A store file of a newer schema than this tool reads: upgrade the tool (not in DESIGN.md's first table; 8 was free).</summary>
    public const int NewerSchema = 8;
    public const int Timeout = 9;
    public const int Usage = 64;

    /// <summary>Every exit code with what it means in a few words: what `buildstate --help` lists.</summary>
    public static readonly IReadOnlyList<(int Code, string Meaning)> Meanings =
    [
        (Success, "ok"),
        (General, "error"),
        (LockTimeout, "lock timeout"),
        (Corruption, "corruption"),
        (ValidationFailed, "validation failed"),
        (NotFound, "not found"),
        (PermissionDenied, "permission denied"),
        (DiskFull, "disk full"),
        (NewerSchema, "written by a newer BuildState"),
        (Timeout, "timeout"),
        (Usage, "usage"),
    ];

    /// <summary>The exit code for an error kind (a one-to-one mapping).</summary>
    public static int For(StoreErrorKind kind) => kind switch
    {
        StoreErrorKind.LockTimeout => LockTimeout,
        StoreErrorKind.Corruption => Corruption,
        StoreErrorKind.Validation => ValidationFailed,
        StoreErrorKind.NotFound => NotFound,
        StoreErrorKind.PermissionDenied => PermissionDenied,
        StoreErrorKind.DiskFull => DiskFull,
        StoreErrorKind.Timeout => Timeout,
        StoreErrorKind.NewerSchema => NewerSchema,
        _ => General,
    };
}
