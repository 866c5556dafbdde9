namespace BuildState.IO;

/// <summary>
/// The few byte-span helpers the store needs, as plain loops. The generic MemoryExtensions versions
/// (TrimEnd, EndsWith, Contains, Fill over bytes) have no precompiled code in .NET for these
/// instantiations, so each MSBuild node compiled them at its first commit (docs/benchmarks.md,
/// section 1, ninth round); these spans are a few bytes long.
/// </summary>
internal static class ByteSpans
{
    /// <summary><paramref name="span"/> without the spaces, tabs and line ends it ends with.</summary>
    public static ReadOnlySpan<byte> TrimEndWhitespace(ReadOnlySpan<byte> span)
    {
        var end = span.Length;
        while (end > 0 && span[end - 1] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            end--;
        }

        return span[..end];
    }

    /// <summary><paramref name="span"/> without the <paramref name="value"/> bytes it ends with.</summary>
    public static ReadOnlySpan<byte> TrimEnd(ReadOnlySpan<byte> span, byte value)
    {
        var end = span.Length;
        while (end > 0 && span[end - 1] == value)
        {
            end--;
        }

        return span[..end];
    }

    public static bool EndsWith(ReadOnlySpan<byte> span, ReadOnlySpan<byte> suffix) =>
        span.Length >= suffix.Length && span[^suffix.Length..].SequenceEqual(suffix);

    public static bool Contains(ReadOnlySpan<byte> span, byte value)
    {
        foreach (var b in span)
        {
            if (b == value)
            {
                return true;
            }
        }

        return false;
    }

    public static void Fill(Span<byte> span, byte value)
    {
        for (var i = 0; i < span.Length; i++)
        {
            span[i] = value;
        }
    }
}
