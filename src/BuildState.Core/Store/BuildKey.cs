using System.Text;
using BuildState.Errors;

namespace BuildState.Store;

/// <summary>
/// Maps a build id to a directory name: readable, stable, collision-free and safe on every file
/// system (no separators, no dots that could form "..", bounded length).
/// </summary>
public static class BuildKey
{
    /// <summary>Longest readable prefix kept before the hash.</summary>
    public const int MaxPrefixLength = 60;

    /// <summary>
    /// <c>src/App/App.csproj|Debug|net10.0</c> becomes <c>src_App_App_csproj_Debug_net10_0-&lt;32 hex&gt;</c>:
    /// every character outside [A-Za-z0-9_-] becomes '_', the prefix is cut to 60 characters, and
    /// 128 bits of the id's SHA-256 make the key unique.
    /// </summary>
    public static string For(string buildId)
    {
        if (Known.TryGetValue(buildId, out var known))
        {
            return known; // a commit asks several times; the SHA-256 was a few percent of its CPU time
        }

        var key = Compute(buildId);
        if (Known.Count >= 4096)
        {
            Known.Clear();
        }

        Known[buildId] = key;
        return key;
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> Known = new(StringComparer.Ordinal);

    private static string Compute(string buildId)
    {
        ValidateId(buildId);
        var prefix = Readable(buildId.Length > MaxPrefixLength ? buildId[..MaxPrefixLength] : buildId);
        var hash = IO.SmallSha256.Hash(Encoding.UTF8.GetBytes(buildId));
        return $"{prefix}-{Convert.ToHexStringLower(hash, 0, 16)}";
    }

    /// <summary>
    /// <paramref name="text"/> as a key's readable part writes it: every character outside
    /// [A-Za-z0-9_-] becomes '_' (for finding a key by part of its id, as well as for making one).
    /// </summary>
    public static string Readable(string text)
    {
        var chars = text.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = char.IsAsciiLetterOrDigit(chars[i]) || chars[i] is '-' or '_' ? chars[i] : '_';
        }

        return new string(chars);
    }

    /// <summary>True when <paramref name="name"/> has the shape of a key (used to skip stray directories).</summary>
    public static bool LooksLikeKey(string name)
    {
        var dash = name.LastIndexOf('-');
        if (dash < 0 || name.Length - dash - 1 != 32 || dash > MaxPrefixLength)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Rejects ids that cannot be stored: empty, too long, or holding control characters.</summary>
    public static void ValidateId(string buildId)
    {
        if (string.IsNullOrWhiteSpace(buildId))
        {
            throw new BuildStateException(StoreErrorKind.Validation, "a build id must not be empty");
        }

        if (buildId.Length > StoreLimits.MaxBuildIdLength)
        {
            throw new BuildStateException(StoreErrorKind.Validation, $"a build id must be at most {StoreLimits.MaxBuildIdLength} characters (got {buildId.Length})");
        }

        foreach (var c in buildId)
        {
            if (char.IsControl(c))
            {
                throw new BuildStateException(StoreErrorKind.Validation, "a build id must not contain control characters");
            }
        }
    }
}
