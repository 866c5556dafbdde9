using BuildState.Model;

namespace BuildState.Store;

/// <summary>What a checkpoint's stored copy of an artifact was found to be.</summary>
internal enum CopyState
{
    Intact,
    Missing,

    /// <summary>Its bytes do not have the SHA-256 it is stored under.</summary>
    Altered,
}

/// <summary>
/// The one check of an artifact copy in checkpoints/blobs/, shared by restore (which refuses a bad
/// copy before writing anything), recover (which drops the checkpoint) and validate (which reports
/// every bad copy).
/// </summary>
public sealed partial class BuildStore
{
    /// <summary>Reads the copy of <paramref name="artifact"/> at <paramref name="blob"/> (a symbolic link refused) and checks its hash; <paramref name="bytes"/> holds what was read.</summary>
    internal CopyState CheckCopy(string blob, ArtifactRecord artifact, out byte[]? bytes)
    {
        bytes = null;
        GuardNoLinks(blob);
        if (!_fs.FileExists(blob))
        {
            return CopyState.Missing;
        }

        bytes = _fs.ReadAllBytes(blob, long.MaxValue);
        return ArtifactHasher.HashBytes(bytes) == artifact.Sha256 ? CopyState.Intact : CopyState.Altered;
    }

    /// <summary>How a message says what is wrong with a copy: "is missing", "does not match its SHA-256".</summary>
    internal static string Describe(CopyState state) => state switch
    {
        CopyState.Missing => "is missing",
        CopyState.Altered => "does not match its SHA-256",
        _ => "is intact",
    };
}
