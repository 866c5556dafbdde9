using BuildState.Errors;

namespace BuildState.Core.Tests.Infrastructure;

/// <summary>
/// The real file system, except that reading the files named in <see cref="Refused"/> fails as a
/// file of mode 000 does for a user who is not root (EACCES, classified as the real reads do). The
/// tests run as root, for whom chmod 000 refuses nothing.
/// </summary>
public sealed class RefusingFileSystem : DelegatingFileSystem
{
    private const int EACCES = 13;

    public HashSet<string> Refused { get; } = new(StringComparer.Ordinal);

    public override byte[] ReadAllBytes(string path, long maxBytes) => ReadFrom(path, 0, maxBytes);

    public override byte[] ReadFrom(string path, long offset, long maxBytes) =>
        Refused.Contains(Path.GetFullPath(path))
            ? throw BuildStateException.FromErrno(EACCES, path, "read the file")
            : base.ReadFrom(path, offset, maxBytes);
}
