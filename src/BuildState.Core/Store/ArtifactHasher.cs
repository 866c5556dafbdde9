using System.Security.Cryptography;
using BuildState.Errors;
using BuildState.Model;

namespace BuildState.Store;

/// <summary>
/// SHA-256 of artifact files, skipping files whose size and last-write time match a previous record
/// (re-hashing a 200-file output on every checkpoint would cost more than the build step itself).
/// </summary>
public static class ArtifactHasher
{
    public static ArtifactRecord Hash(string fullPath, string storedPath, string? kind, IReadOnlyDictionary<string, ArtifactRecord>? previous)
    {
        var info = new FileInfo(fullPath);
        if (!info.Exists)
        {
            throw BuildStateException.NotFound("the artifact file does not exist", fullPath);
        }

        var lastWrite = new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero);
        if (previous is not null && previous.TryGetValue(storedPath, out var known)
            && known.Size == info.Length && known.LastWriteUtc == lastWrite && known.Sha256.Length == 64)
        {
            return new ArtifactRecord { Path = storedPath, Size = known.Size, Sha256 = known.Sha256, LastWriteUtc = lastWrite, Kind = kind ?? known.Kind };
        }

        return new ArtifactRecord { Path = storedPath, Size = info.Length, Sha256 = HashFile(fullPath), LastWriteUtc = lastWrite, Kind = kind };
    }

    public static string HashFile(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 81920, FileOptions.SequentialScan);
            return Convert.ToHexStringLower(SHA256.HashData(stream));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw BuildStateException.FromIo(e, path, "hash the artifact", storeFile: false);
        }
    }

    public static string HashBytes(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA256.HashData(data));
}
