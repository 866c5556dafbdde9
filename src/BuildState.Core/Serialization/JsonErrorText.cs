using System.Text.Json;

namespace BuildState.Serialization;

/// <summary>
/// A System.Text.Json error as a store error says it: "at line L, position P" (1-based) and the
/// reader's first line without its own "Path: $ | LineNumber: 0 | BytePositionInLine: 29." ending,
/// which repeats the position 0-based.
/// </summary>
internal static class JsonErrorText
{
    /// <summary>" at line L, position P", or empty when the reader gave no position.</summary>
    public static string Where(JsonException e) =>
        e.LineNumber is { } line ? $" at line {line + 1}, position {(e.BytePositionInLine ?? 0) + 1}" : "";

    public static string Message(JsonException e) => Message(e.Message);

    public static string Message(string message)
    {
        var end = message.IndexOfAny(['\r', '\n']);
        var first = end < 0 ? message : message[..end];
        var at = first.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (at < 0)
        {
            return first;
        }

        var kept = first[..at].TrimEnd();
        kept = kept.EndsWith('|') ? kept[..^1].TrimEnd() : kept;
        return kept.EndsWith('.') ? kept : kept + ".";
    }
}
