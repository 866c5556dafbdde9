using System.Globalization;
using System.Text.RegularExpressions;

namespace BuildState.Cli;

/// <summary>Human units: sizes, durations, relative times; and the duration syntax of options (500ms, 30s, 5m, 2h, 7d, 2w).</summary>
internal static partial class Units
{
    public static string Size(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        double value = bytes;
        var unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return unit == 0 ? $"{bytes} B" : string.Create(CultureInfo.InvariantCulture, $"{value:0.#} {units[unit]}");
    }

    public static string Duration(TimeSpan span)
    {
        if (span < TimeSpan.Zero)
        {
            span = TimeSpan.Zero;
        }

        return span.TotalMilliseconds < 1000 ? string.Create(CultureInfo.InvariantCulture, $"{span.TotalMilliseconds:0} ms")
            : span.TotalSeconds < 60 ? string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0.0} s")
            : span.TotalMinutes < 60 ? $"{(int)span.TotalMinutes}m {span.Seconds:00}s"
            : span.TotalHours < 48 ? $"{(int)span.TotalHours}h {span.Minutes:00}m"
            : $"{(int)span.TotalDays}d {span.Hours:00}h";
    }

    public static string DurationMs(double ms) => Duration(TimeSpan.FromMilliseconds(ms));

    public static string Relative(DateTimeOffset at, DateTimeOffset now)
    {
        if (at == default)
        {
            return "-";
        }

        var ago = now - at;
        if (ago < TimeSpan.Zero)
        {
            return "in the future";
        }

        return ago.TotalSeconds < 5 ? "just now"
            : ago.TotalSeconds < 60 ? $"{(int)ago.TotalSeconds}s ago"
            : ago.TotalMinutes < 60 ? $"{(int)ago.TotalMinutes} min ago"
            : ago.TotalHours < 24 ? $"{(int)ago.TotalHours} h ago"
            : ago.TotalDays < 60 ? $"{(int)ago.TotalDays} days ago"
            : at.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    }

    public static string Time(DateTimeOffset at) => at.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>Parses 500ms, 30s, 5m, 2h, 7d, 2w or a TimeSpan (00:05:00); null for null; a UsageException otherwise.</summary>
    public static TimeSpan? ParseDuration(string? text, string option)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var match = DurationPattern().Match(text.Trim());
        if (match.Success)
        {
            var value = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            return match.Groups[2].Value.ToLowerInvariant() switch
            {
                "ms" => TimeSpan.FromMilliseconds(value),
                "s" or "" => TimeSpan.FromSeconds(value),
                "m" or "min" => TimeSpan.FromMinutes(value),
                "h" => TimeSpan.FromHours(value),
                "d" => TimeSpan.FromDays(value),
                _ => TimeSpan.FromDays(7 * value),
            };
        }

        if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) && span >= TimeSpan.Zero)
        {
            return span;
        }

        throw new UsageException($"{option}: '{text}' is not a duration (examples: 500ms, 30s, 5m, 2h, 7d, 2w)");
    }

    /// <summary>A point in time: a duration back from now (7d) or a date/time (2024-05-01, 2024-05-01T12:00Z).</summary>
    public static DateTimeOffset? ParseSince(string? text, DateTimeOffset now, string option)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) && text.Contains('-'))
        {
            return at;
        }

        try
        {
            return now - ParseDuration(text, option)!.Value;
        }
        catch (UsageException)
        {
            throw new UsageException($"{option}: '{text}' is neither a duration back from now (30m, 2h, 3d, 2w) nor a date (2024-05-01, 2024-05-01T12:00Z)");
        }
    }

    [GeneratedRegex(@"^(\d+(?:\.\d+)?)\s*(ms|s|m|min|h|d|w|)$", RegexOptions.IgnoreCase)]
    private static partial Regex DurationPattern();
}
