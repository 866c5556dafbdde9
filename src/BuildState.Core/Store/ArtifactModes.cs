namespace BuildState.Store;

/// <summary>
/// The Unix permission bits of an artifact file, kept in a checkpoint's manifest with copies so
/// that restore gives a file written back its execute bits (a published apphost must stay
/// runnable). Octal text ("755"); only the permission bits (0777), never set-user-id, set-group-id
/// or sticky. On Windows nothing is read or applied.
/// </summary>
internal static class ArtifactModes
{
    /// <summary>The mode a file written by restore gets when none is recorded, which is therefore not recorded.</summary>
    public const string Default = "644";

    private const int PermissionBits = 0b111_111_111;

    /// <summary>The file's permission bits in octal, or null: on Windows, when they are <see cref="Default"/>, or when they cannot be read.</summary>
    public static string? Read(string fullPath)
    {
        if (OperatingSystem.IsWindows())
        {
            return null;
        }

        try
        {
            var mode = Convert.ToString((int)File.GetUnixFileMode(fullPath) & PermissionBits, 8);
            return mode == Default ? null : mode;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The permission bits <paramref name="text"/> stands for: one to four octal digits within 0777; else null.</summary>
    public static UnixFileMode? Parse(string text)
    {
        if (text.Length is 0 or > 4 || text.Any(c => c is < '0' or > '7'))
        {
            return null;
        }

        var value = Convert.ToInt32(text, 8);
        return (value & ~PermissionBits) == 0 ? (UnixFileMode)value : null;
    }
}
