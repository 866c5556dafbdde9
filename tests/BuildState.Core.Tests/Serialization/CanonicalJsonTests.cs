using System.Buffers;
using System.Text;
using System.Text.Json;
using BuildState.Serialization;
using CsCheck;

namespace BuildState.Core.Tests.Serialization;

/// <summary>
/// The store's own JSON pieces against System.Text.Json, token by token and byte for byte:
/// <see cref="CanonicalJsonReader"/> either refuses an input (and the serializer reads it) or gives
/// exactly <see cref="Utf8JsonReader"/>'s tokens and values; <see cref="StoreJsonEncoder"/> makes
/// <see cref="Utf8JsonWriter"/> write exactly what it writes with no encoder.
/// </summary>
public sealed class CanonicalJsonTests
{
    private const int Iterations = 2000;

    private static readonly Gen<string> Text = Gen.OneOf(StoreGenerators.Text, Gen.String);

    /// <summary>A random JSON document as the store's writer would lay it out (values of every kind, nested).</summary>
    private static readonly Gen<byte[]> Document = Gen.Int[0, int.MaxValue].Select(Gen.Bool, (seed, indented) => Write(seed, indented));

    [Fact]
    public void The_encoder_escapes_values_as_the_writer_does_without_one() =>
        Text.Sample(
            text => Assert.Equal(Outcome(() => WriteWith(null, text)), Outcome(() => WriteWith(StoreJsonEncoder.Instance, text))),
            iter: Iterations,
            print: Escaped);

    [Fact]
    public void Every_ASCII_character_and_common_non_ASCII_text_is_escaped_as_without_the_encoder()
    {
        for (var c = 0; c < 0x80; c++)
        {
            var text = $"a{(char)c}b";
            Assert.Equal(WriteWith(null, text), WriteWith(StoreJsonEncoder.Instance, text));
        }

        foreach (var text in new[] { "josé \"quoted\" <tag>", "中文+&", "\ud83d\ude00\n\"", "\u2028\u007f", "a\ud800b", "\udc00" })
        {
            Assert.Equal(Outcome(() => WriteWith(null, text)), Outcome(() => WriteWith(StoreJsonEncoder.Instance, text)));
        }
    }

    [Fact]
    public void The_reader_gives_the_serializers_tokens_for_every_document_it_takes() =>
        Document.Sample(
            json => AssertAgree(Tokens(json), CanonicalTokens(json), complete: true),
            iter: Iterations,
            print: json => Encoding.UTF8.GetString(json));

    [Fact]
    public void The_reader_refuses_or_agrees_on_damaged_documents() =>
        Gen.Select(Document, JsonMutations.Any).Sample(
            t =>
            {
                var json = t.Item2.Apply(t.Item1);
                if (CanonicalTokensOrNull(json) is { } tokens)
                {
                    AssertAgree(Tokens(json), tokens, complete: false);
                }
            },
            iter: Iterations * 5,
            print: t => $"{t.Item2}\n{Encoding.UTF8.GetString(t.Item2.Apply(t.Item1))}");

    [Theory]
    [InlineData("{\"a\":1,}")]
    [InlineData("[1,]")]
    [InlineData("{\"a\" 1}")]
    [InlineData("{\"a\":1 \"b\":2}")]
    [InlineData("{/*c*/}")]
    [InlineData("{\"a\":01}")]
    [InlineData("{\"a\":1.}")]
    [InlineData("{\"a\":-}")]
    [InlineData("{\"a\":tru}")]
    [InlineData("{\"a\":\"\\x\"}")]
    [InlineData("{\"a\":\"\\u12\"}")]
    [InlineData("{\"a\":\"tab\there\"}")]
    [InlineData("{\"a\":\"é\"}")]
    [InlineData("\ufeff{}")]
    [InlineData("{} x")]
    [InlineData("{")]
    [InlineData("")]
    public void Input_the_store_never_writes_is_left_to_the_serializer(string json) =>
        Assert.Null(CanonicalTokensOrNull(Encoding.UTF8.GetBytes(json)));

    [Fact]
    public void Nesting_deeper_than_the_limit_is_left_to_the_serializer()
    {
        var deep = Encoding.UTF8.GetBytes(new string('[', 65) + new string(']', 65));
        Assert.Null(CanonicalTokensOrNull(deep));
        var limit = Encoding.UTF8.GetBytes(new string('[', 64) + new string(']', 64));
        AssertAgree(Tokens(limit), CanonicalTokens(limit), complete: true);
    }

    [Fact]
    public void Dates_read_as_the_serializer_reads_them_or_are_left_to_it() =>
        StoreGenerators.Date.Select(Gen.Int[0, 6]).Sample(
            t =>
            {
                var text = Shape(t.Item1, t.Item2);
                var json = Encoding.UTF8.GetBytes($"[\"{text}\"]");
                var expected = StjDate(json);
                var reader = new CanonicalJsonReader(json, 64);
                reader.Read();
                reader.Read();
                if (reader.TryGetDateTimeOffset(out var actual))
                {
                    Assert.Equal(expected, actual);
                    Assert.Equal(expected?.Offset, actual.Offset);
                }
            },
            iter: Iterations,
            print: t => Shape(t.Item1, t.Item2));

    [Theory]
    [InlineData("2026-12-06T07:00:00+00:00", true)]
    [InlineData("2026-12-06T07:00:00.1234567-05:30", true)]
    [InlineData("2026-12-06T07:00:00.5Z", true)]
    [InlineData("2026-12-06T07:00:00", false)]
    [InlineData("2026-12-06T07:00:00.12345678+00:00", false)]
    [InlineData("2026-02-30T07:00:00+00:00", false)]
    [InlineData("2026-12-06T24:00:00+00:00", false)]
    [InlineData("2026-12-06T07:00:00+15:00", false)]
    [InlineData("2026-12-06", false)]
    public void Only_the_stores_date_shape_is_read_by_hand(string text, bool byHand)
    {
        var json = Encoding.UTF8.GetBytes($"[\"{text}\"]");
        var reader = new CanonicalJsonReader(json, 64);
        reader.Read();
        reader.Read();
        Assert.Equal(byHand, reader.TryGetDateTimeOffset(out var value));
        if (byHand)
        {
            Assert.Equal(StjDate(json), value);
        }
    }

    [Theory]
    [InlineData("0", true, 0L)]
    [InlineData("-0", true, 0L)]
    [InlineData("9223372036854775807", true, long.MaxValue)]
    [InlineData("-9223372036854775808", true, long.MinValue)]
    [InlineData("9223372036854775808", false, 0L)]
    [InlineData("1.0", false, 0L)]
    [InlineData("1e2", false, 0L)]
    public void Whole_numbers_read_as_the_serializer_reads_them(string number, bool ok, long expected)
    {
        var json = Encoding.UTF8.GetBytes($"[{number}]");
        var stj = new Utf8JsonReader(json);
        stj.Read();
        stj.Read();
        Assert.Equal(ok, stj.TryGetInt64(out var stjValue));
        var reader = new CanonicalJsonReader(json, 64);
        reader.Read();
        reader.Read();
        Assert.Equal(ok, reader.TryGetInt64(out var value));
        Assert.Equal(expected, value);
        Assert.Equal(stjValue, value);
    }

    private static string Shape(DateTimeOffset value, int form) => form switch
    {
        0 => value.ToString("yyyy-MM-ddTHH:mm:ss.FFFFFFFzzz", System.Globalization.CultureInfo.InvariantCulture),
        1 => value.ToString("yyyy-MM-ddTHH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture),
        2 => value.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", System.Globalization.CultureInfo.InvariantCulture),
        3 => value.ToString("yyyy-MM-ddTHH:mm:ss.fffzzz", System.Globalization.CultureInfo.InvariantCulture),
        4 => value.ToString("yyyy-MM-ddTHH:mm:ss", System.Globalization.CultureInfo.InvariantCulture),
        5 => value.ToString("yyyy-MM-ddTHH:mmzzz", System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
    };

    private static DateTimeOffset? StjDate(byte[] json)
    {
        var reader = new Utf8JsonReader(json);
        reader.Read();
        reader.Read();
        return reader.TryGetDateTimeOffset(out var value) ? value : null;
    }

    private static byte[] WriteWith(System.Text.Encodings.Web.JavaScriptEncoder? encoder, string text)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, SkipValidation = true, Encoder = encoder }))
        {
            w.WriteStartObject();
            w.WriteString("value"u8, text);
            w.WriteString(text, "value");
            w.WriteString(Encoding.UTF8.GetBytes(text), text);
            w.WritePropertyName(text);
            w.WriteStringValue(Encoding.UTF8.GetBytes(text));
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static string Outcome(Func<byte[]> write)
    {
        try
        {
            return Convert.ToBase64String(write());
        }
        catch (Exception e)
        {
            return e.GetType().Name;
        }
    }

    private static string Escaped(string text) => string.Concat(text.Select(c => c is >= ' ' and <= '~' ? c.ToString() : $"\\u{(int)c:x4}"));

    /// <summary>A document of every kind of value (what the seed picks), written by System.Text.Json.</summary>
    private static byte[] Write(int seed, bool indented)
    {
        var random = new Random(seed);
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = indented }))
        {
            Value(w, random, 0);
        }

        return buffer.WrittenSpan.ToArray();

        static void Value(Utf8JsonWriter w, Random random, int depth)
        {
            switch (depth > 4 ? random.Next(3, 10) : random.Next(10))
            {
                case 0:
                case 1:
                    w.WriteStartObject();
                    for (int i = 0, n = random.Next(5); i < n; i++)
                    {
                        w.WritePropertyName(Word(random));
                        Value(w, random, depth + 1);
                    }

                    w.WriteEndObject();
                    break;
                case 2:
                    w.WriteStartArray();
                    for (int i = 0, n = random.Next(5); i < n; i++)
                    {
                        Value(w, random, depth + 1);
                    }

                    w.WriteEndArray();
                    break;
                case 3:
                    w.WriteStringValue(Word(random));
                    break;
                case 4:
                    w.WriteNumberValue(random.NextInt64(long.MinValue, long.MaxValue) >> random.Next(64));
                    break;
                case 5:
                    w.WriteNumberValue(BitConverter.Int64BitsToDouble(random.NextInt64()) is var d && double.IsFinite(d) ? d : random.NextDouble());
                    break;
                case 6:
                    w.WriteStringValue(new DateTimeOffset(random.NextInt64(DateTime.MinValue.Ticks + TimeSpan.TicksPerDay, DateTime.MaxValue.Ticks - TimeSpan.TicksPerDay), TimeSpan.FromMinutes(random.Next(-14 * 60, 14 * 60))));
                    break;
                case 7:
                    w.WriteBooleanValue(random.Next(2) == 0);
                    break;
                case 8:
                    w.WriteNullValue();
                    break;
                default:
                    w.WriteNumberValue(random.Next(-1000, 1000));
                    break;
            }
        }

        static string Word(Random random)
        {
            const string Alphabet = "abcXYZ019 /\\\"<+&\n\té中\ud83d\ude00";
            var chars = new char[random.Next(8)];
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = Alphabet[random.Next(Alphabet.Length)];
            }

            // A surrogate pair is never cut in half: this text is valid UTF-16, as the store's is.
            return new string(chars).Replace("\ud83d", "\ud83d\ude00", StringComparison.Ordinal).Replace("\ude00\ude00", "\ude00", StringComparison.Ordinal);
        }
    }

    /// <summary>A token with what a reader can say of it: its text, and its value as each number type and as a date (null: the reader says no).</summary>
    private sealed record Token(string Kind, string? Text, long? Whole, int? Small, double? Floating, DateTimeOffset? Date);

    /// <summary>
    /// Same tokens, and every value the hand-written reader gives is System.Text.Json's; with
    /// <paramref name="complete"/> (input of the store's shape) it also gives every value that one does.
    /// </summary>
    private static void AssertAgree(List<Token> expected, List<Token> actual, bool complete)
    {
        Assert.Equal(expected.Select(t => (t.Kind, t.Text)), actual.Select(t => (t.Kind, t.Text)));
        foreach (var (e, a) in expected.Zip(actual))
        {
            Agree(e.Whole, a.Whole);
            Agree(e.Small, a.Small);
            Agree(e.Floating, a.Floating);
            Agree(e.Date, a.Date);
            Assert.Equal(e.Date?.Offset, a.Date?.Offset ?? (complete ? null : e.Date?.Offset));
        }

        void Agree<T>(T? stj, T? ours)
            where T : struct
        {
            if (ours.HasValue || complete)
            {
                Assert.Equal(stj, ours);
            }
        }
    }

    private static List<Token> Tokens(byte[] json)
    {
        var tokens = new List<Token>();
        try
        {
            var r = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 64 });
            while (r.Read())
            {
                tokens.Add(r.TokenType switch
                {
                    JsonTokenType.PropertyName => new Token("PropertyName", StjString(ref r), null, null, null, null),
                    JsonTokenType.String => new Token("String", StjString(ref r), null, null, null, r.TryGetDateTimeOffset(out var d) ? d : null),
                    JsonTokenType.Number => new Token("Number", null, r.TryGetInt64(out var l) ? l : null, r.TryGetInt32(out var i) ? i : null, r.TryGetDouble(out var f) ? f : null, null),
                    _ => new Token(r.TokenType.ToString(), null, null, null, null, null),
                });
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            tokens.Add(new Token("error", null, null, null, null, null));
        }

        return tokens;

        static string StjString(ref Utf8JsonReader r)
        {
            try
            {
                return r.GetString()!;
            }
            catch (InvalidOperationException)
            {
                return "(invalid)";
            }
        }
    }

    private static List<Token> CanonicalTokens(byte[] json) => CanonicalTokensOrNull(json) ?? throw new Xunit.Sdk.XunitException("refused a document of the store's shape");

    private static List<Token>? CanonicalTokensOrNull(byte[] json)
    {
        var tokens = new List<Token>();
        try
        {
            var r = new CanonicalJsonReader(json, 64);
            while (r.Read())
            {
                tokens.Add(r.TokenType switch
                {
                    JsonTokenType.PropertyName => new Token("PropertyName", r.GetString(), null, null, null, null),
                    JsonTokenType.String => new Token("String", r.GetString(), null, null, null, r.TryGetDateTimeOffset(out var d) ? d : null),
                    JsonTokenType.Number => new Token("Number", null, r.TryGetInt64(out var l) ? l : null, r.TryGetInt32(out var i) ? i : null, r.TryGetDouble(out var f) ? f : null, null),
                    _ => new Token(r.TokenType.ToString(), null, null, null, null, null),
                });
            }
        }
        catch (NotCanonicalException)
        {
            return null;
        }

        return tokens;
    }
}
