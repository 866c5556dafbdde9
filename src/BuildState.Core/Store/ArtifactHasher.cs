using System.Security.Cryptography;
using BuildState.Errors;
using BuildState.IO;
using BuildState.Model;

namespace BuildState.Store;

/// <summary>
/// SHA-256 of artifact files, skipping files whose size, last-write and change times match a previous
/// record (<see cref="FileStamp"/>; re-hashing a 200-file output on every checkpoint would cost more
/// than the build step itself).
/// </summary>
public static class ArtifactHasher
{
    public static ArtifactRecord Hash(string fullPath, string storedPath, string? kind, IReadOnlyDictionary<string, ArtifactRecord>? previous) =>
        Hash(fullPath, storedPath, kind, previous, FileStamp.Of(fullPath) ?? throw BuildStateException.NotFound("the artifact file does not exist", fullPath));

    /// <summary>The same, with the file's stamp already taken (a caller that compared it first).</summary>
    internal static ArtifactRecord Hash(string fullPath, string storedPath, string? kind, IReadOnlyDictionary<string, ArtifactRecord>? previous, FileStamp stamp)
    {
        if (previous is not null && previous.TryGetValue(storedPath, out var known) && stamp.Matches(known) && known.Sha256.Length == 64)
        {
            return new ArtifactRecord { Path = storedPath, Size = known.Size, Sha256 = known.Sha256, LastWriteUtc = stamp.LastWriteUtc, ChangedUtc = stamp.ChangedUtc, Kind = kind ?? known.Kind };
        }

        return new ArtifactRecord { Path = storedPath, Size = stamp.Length, Sha256 = HashFile(fullPath), LastWriteUtc = stamp.LastWriteUtc, ChangedUtc = stamp.ChangedUtc, Kind = kind };
    }

    /// <summary>
    /// How many files this thread has read and hashed: the store hashes on the caller's thread, so a
    /// test sees the cache at work (a file written the usual way cannot keep its stamps when its
    /// content changes, so the cache is invisible in the hashes themselves).
    /// </summary>
    [ThreadStatic]
    internal static int FilesHashedOnThisThread;

    public static string HashFile(string path)
    {
        FilesHashedOnThisThread++;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 81920, FileOptions.SequentialScan);
            return HashStream(stream);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw BuildStateException.FromIo(e, path, "hash the artifact", storeFile: false);
        }
    }

    public static string HashBytes(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA256.HashData(data));

    /// <summary>Lower-case hex SHA-256 of what is left to read in <paramref name="stream"/>.</summary>
    internal static string HashStream(Stream stream) => Convert.ToHexStringLower(SHA256.HashData(stream));
}
