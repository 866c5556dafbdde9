using System.Text;
using System.Text.Json;
using CsCheck;

namespace BuildState.Core.Tests.Serialization;

/// <summary>
/// Damage and variation done to a store file: what a torn write, a bit flip, a hand edit or another
/// writer leaves. Positions are fractions of the file (or of its tokens), so one mutation applies
/// to any file.
/// </summary>
internal abstract record JsonMutation
{
    public abstract byte[] Apply(byte[] json);

    protected static int At(double where, int count) => count == 0 ? 0 : Math.Min(count - 1, (int)(where * count));

    protected static byte[] Splice(byte[] json, int start, int removed, string inserted) =>
        [.. json.AsSpan(0, start), .. Encoding.UTF8.GetBytes(inserted), .. json.AsSpan(start + removed)];

    /// <summary>The file's tokens: where each starts, how long it is in the file, and its type.</summary>
    protected static List<(int Start, int Length, JsonTokenType Type)> Tokens(byte[] json)
    {
        var tokens = new List<(int, int, JsonTokenType)>();
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 1000 });
        try
        {
            while (reader.Read())
            {
                var start = (int)reader.TokenStartIndex;
                var length = reader.TokenType switch
                {
                    JsonTokenType.String or JsonTokenType.PropertyName => reader.ValueSpan.Length + 2,
                    JsonTokenType.Number or JsonTokenType.True or JsonTokenType.False or JsonTokenType.Null => reader.ValueSpan.Length,
                    _ => 1,
                };
                tokens.Add((start, length, reader.TokenType));
            }
        }
        catch (JsonException)
        {
        }

        return tokens;
    }
}

internal sealed record ReplaceByte(double Where, char With) : JsonMutation
{
    public override byte[] Apply(byte[] json) => json.Length == 0 ? json : Splice(json, At(Where, json.Length), 1, With.ToString());
}

internal sealed record DeleteRange(double Where, int Length) : JsonMutation
{
    public override byte[] Apply(byte[] json)
    {
        var start = At(Where, json.Length);
        return Splice(json, start, Math.Min(Length, json.Length - start), "");
    }
}

internal sealed record Truncate(double Where) : JsonMutation
{
    public override byte[] Apply(byte[] json) => json[..At(Where, json.Length)];
}

internal sealed record Insert(double Where, string Text) : JsonMutation
{
    public override byte[] Apply(byte[] json) => Splice(json, At(Where, json.Length + 1), 0, Text);
}

/// <summary>A value replaced by another JSON value (of another type, null, a number in another spelling, an enum in another case...).</summary>
internal sealed record ReplaceValue(double Where, string With) : JsonMutation
{
    public override byte[] Apply(byte[] json)
    {
        var values = Tokens(json).Where(t => t.Type is JsonTokenType.String or JsonTokenType.Number or JsonTokenType.True or JsonTokenType.False or JsonTokenType.Null).ToList();
        if (values.Count == 0)
        {
            return json;
        }

        var (start, length, _) = values[At(Where, values.Count)];
        return Splice(json, start, length, With);
    }
}

/// <summary>A property repeated (its name and value again, right after it), or a property name spelled differently.</summary>
internal sealed record EditProperty(double Where, int How) : JsonMutation
{
    public override byte[] Apply(byte[] json)
    {
        var tokens = Tokens(json);
        var names = Enumerable.Range(0, tokens.Count).Where(i => tokens[i].Type == JsonTokenType.PropertyName).ToList();
        if (names.Count == 0)
        {
            return json;
        }

        var index = names[At(Where, names.Count)];
        var (start, length, _) = tokens[index];
        var name = Encoding.UTF8.GetString(json, start + 1, length - 2);
        switch (How % 4)
        {
            case 0: // repeat the property with a simple value when it has one
                var value = tokens[index + 1];
                if (value.Type is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    return Splice(json, start, 0, $"\"{name}\":null,");
                }

                var text = Encoding.UTF8.GetString(json, value.Start, value.Length);
                return Splice(json, value.Start + value.Length, 0, $",\"{name}\":{text}");
            case 1: // escape its first character
                return name.Length == 0 ? json : Splice(json, start + 1, 1, $"\\u{(int)name[0]:x4}");
            case 2: // another case
                return Splice(json, start + 1, length - 2, name.ToUpperInvariant());
            default: // an unknown property before it
                return Splice(json, start, 0, "\"unknownField\":{\"a\":[1,2,{\"b\":null}]},");
        }
    }
}

internal static class JsonMutations
{
    private static readonly Gen<char> Significant = Gen.OneOf(
        Gen.Const('{'), Gen.Const('}'), Gen.Const('['), Gen.Const(']'), Gen.Const('"'), Gen.Const(':'), Gen.Const(','), Gen.Const(' '),
        Gen.Const('0'), Gen.Const('9'), Gen.Const('-'), Gen.Const('.'), Gen.Const('e'), Gen.Const('n'), Gen.Const('t'), Gen.Const('\\'),
        Gen.Const('x'), Gen.Const('\u00e9'), Gen.Const('\0'), Gen.Const('\n'));

    private static readonly Gen<string> Value = Gen.OneOf(
        Gen.Const("null"), Gen.Const("true"), Gen.Const("false"), Gen.Const("0"), Gen.Const("1"), Gen.Const("-1"), Gen.Const("1.0"),
        Gen.Const("1e2"), Gen.Const("1.5"), Gen.Const("-0"), Gen.Const("99999999999999999999"), Gen.Const("2147483648"), Gen.Const("1e400"),
        Gen.Const("\"x\""), Gen.Const("\"\""), Gen.Const("{}"), Gen.Const("[]"), Gen.Const("[null]"), Gen.Const("{\"a\":1}"),
        Gen.Const("\"Running\""), Gen.Const("\"running\""), Gen.Const("\"FAILED\""), Gen.Const("\"2\""), Gen.Const("\"Succeeded, Failed\""),
        Gen.Const("\"2026-11-23T10:00:00Z\""), Gen.Const("\"2026-11-23\""), Gen.Const("\"2026-11-23T10:00:00.1234567+05:30\""), Gen.Const("\"not a date\""),
        Gen.Const("\"\\u0041\""), Gen.Const("\"\\ud800\""), Gen.Const("NaN"), Gen.Const("\"NaN\""));

    private static readonly Gen<string> Text = Gen.OneOf(
        Gen.Const(" "), Gen.Const("\n"), Gen.Const("/*c*/"), Gen.Const("//c\n"), Gen.Const(","), Gen.Const("{}"), Gen.Const("null"),
        Gen.Const("\ufeff"), Gen.Const("\"a\":1,"), Gen.Const("]"), Gen.Const("}"), Gen.Const(" {}"));

    private static readonly Gen<double> Where = Gen.Double.Unit;

    public static readonly Gen<JsonMutation> Any = Gen.OneOf<JsonMutation>(
        Gen.Select(Where, Significant, (w, c) => (JsonMutation)new ReplaceByte(w, c)),
        Gen.Select(Where, Gen.Int[1, 12], (w, n) => (JsonMutation)new DeleteRange(w, n)),
        Where.Select(w => (JsonMutation)new Truncate(w)),
        Gen.Select(Where, Text, (w, t) => (JsonMutation)new Insert(w, t)),
        Gen.Select(Where, Value, (w, v) => (JsonMutation)new ReplaceValue(w, v)),
        Gen.Select(Where, Value, (w, v) => (JsonMutation)new ReplaceValue(w, v)),
        Gen.Select(Where, Gen.Int[0, 3], (w, h) => (JsonMutation)new EditProperty(w, h)),
        Gen.Select(Where, Gen.Int[0, 3], (w, h) => (JsonMutation)new EditProperty(w, h)));
}
