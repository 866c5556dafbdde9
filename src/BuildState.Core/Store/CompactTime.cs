namespace BuildState.Store;

/// <summary>
/// A UTC time as <c>yyyyMMddTHHmmss</c> (with <c>fff</c> when asked): run ids and checkpoint ids.
/// Written digit by digit: .NET's custom date formats compile a generic formatter in every MSBuild
/// node that first uses them (docs/benchmarks.md, section 1, ninth round).
/// </summary>
internal static class CompactTime
{
    public static string Format(DateTimeOffset time, bool milliseconds)
    {
        var utc = time.UtcDateTime;
        Span<char> text = stackalloc char[18];
        Digits(text[..4], utc.Year);
        Digits(text.Slice(4, 2), utc.Month);
        Digits(text.Slice(6, 2), utc.Day);
        text[8] = 'T';
        Digits(text.Slice(9, 2), utc.Hour);
        Digits(text.Slice(11, 2), utc.Minute);
        Digits(text.Slice(13, 2), utc.Second);
        if (!milliseconds)
        {
            return new string(text[..15]);
        }

        Digits(text.Slice(15, 3), utc.Millisecond);
        return new string(text);
    }

    private static void Digits(Span<char> into, int value)
    {
        for (var i = into.Length - 1; i >= 0; i--)
        {
            into[i] = (char)('0' + (value % 10));
            value /= 10;
        }
    }
}
