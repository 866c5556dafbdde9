using System.Globalization;
using System.Text;
using System.Text.Json;

namespace BuildState.Serialization;

/// <summary>
/// The tokens of a store file as <see cref="Utf8JsonReader"/> would give them, for the members
/// <see cref="StoreJsonReader"/> uses, but only for JSON of the shape the store writes: strict JSON
/// of printable ASCII (the writer escapes everything else), numbers as the grammar has them, dates
/// as <c>yyyy-MM-ddTHH:mm:ss[.fffffff](Z|+hh:mm)</c>. Anything else throws
/// <see cref="NotCanonicalException"/> and System.Text.Json reads the bytes again, so accepting less
/// is always safe; accepting something System.Text.Json reads differently never is.
///
/// Why not <see cref="Utf8JsonReader"/> itself: its string scanning is vectorized over
/// <c>SearchValues</c>, generic framework code that no ReadyToRun image holds, so every MSBuild
/// node JIT-compiled it (about 5-15 ms of CPU) on its first read of the store.
/// </summary>
internal ref struct CanonicalJsonReader
{
    // One bit per open container (1 = object); deeper input goes to the serializer.
    private const int MaxNesting = 64;

    private readonly ReadOnlySpan<byte> _json;
    private readonly int _maxDepth;
    private int _position;
    private int _depth;
    private ulong _objects;
    private int _valueStart;
    private int _valueLength;
    private bool _valueEscaped;

    public CanonicalJsonReader(ReadOnlySpan<byte> json, int maxDepth)
    {
        _json = json;
        _maxDepth = Math.Min(maxDepth, MaxNesting);
        TokenType = JsonTokenType.None;
    }

    public JsonTokenType TokenType { get; private set; }

    private readonly ReadOnlySpan<byte> Value => _json.Slice(_valueStart, _valueLength);

    private readonly bool InObject => (_objects & (1UL << (_depth - 1))) != 0;

    // Back at depth 0 after a token: the root value is whole.
    private readonly bool RootDone => _depth == 0 && TokenType != JsonTokenType.None;

    /// <summary>The next token; false only at the end of the input after a whole root value.</summary>
    public bool Read()
    {
        SkipWhitespace();
        if (RootDone)
        {
            return _position == _json.Length ? false : throw new NotCanonicalException();
        }

        if (TokenType == JsonTokenType.PropertyName || _depth == 0)
        {
            ReadValue();
            return true;
        }

        var close = InObject ? (byte)'}' : (byte)']';
        if (Peek() == close)
        {
            _position++;
            _depth--;
            TokenType = close == '}' ? JsonTokenType.EndObject : JsonTokenType.EndArray;
            return true;
        }

        if (TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
        {
            if (Peek() != ',')
            {
                throw new NotCanonicalException();
            }

            _position++;
            SkipWhitespace();
        }

        if (InObject)
        {
            ReadPropertyName();
        }
        else
        {
            ReadValue();
        }

        return true;
    }

    private void ReadPropertyName()
    {
        ScanString();
        SkipWhitespace();
        if (Peek() != ':')
        {
            throw new NotCanonicalException();
        }

        _position++;
        TokenType = JsonTokenType.PropertyName;
    }

    /// <summary>A value at the current position (whitespace before it already skipped by <see cref="Read"/>).</summary>
    private void ReadValue()
    {
        switch (Peek())
        {
            case (byte)'{':
            case (byte)'[':
                if (_depth >= _maxDepth)
                {
                    throw new NotCanonicalException();
                }

                var isObject = _json[_position++] == '{';
                _objects = isObject ? _objects | (1UL << _depth) : _objects & ~(1UL << _depth);
                _depth++;
                TokenType = isObject ? JsonTokenType.StartObject : JsonTokenType.StartArray;
                return;
            case (byte)'"':
                ScanString();
                TokenType = JsonTokenType.String;
                break;
            case (byte)'t':
                Literal("true"u8, JsonTokenType.True);
                break;
            case (byte)'f':
                Literal("false"u8, JsonTokenType.False);
                break;
            case (byte)'n':
                Literal("null"u8, JsonTokenType.Null);
                break;
            default:
                ScanNumber();
                TokenType = JsonTokenType.Number;
                break;
        }
    }

    private void Literal(ReadOnlySpan<byte> text, JsonTokenType type)
    {
        if (!_json[_position..].StartsWith(text))
        {
            throw new NotCanonicalException();
        }

        _position += text.Length;
        TokenType = type;
    }

    /// <summary>A string's text between its quotes: printable ASCII and JSON's escapes only.</summary>
    private void ScanString()
    {
        if (Peek() != '"')
        {
            throw new NotCanonicalException();
        }

        var start = ++_position;
        var escaped = false;
        while (true)
        {
            var c = Peek();
            if (c == '"')
            {
                break;
            }

            if (c < 0x20 || c > 0x7E)
            {
                throw new NotCanonicalException(); // control characters, raw UTF-8 (or the end: Peek gives 0)
            }

            _position++;
            if (c == '\\')
            {
                escaped = true;
                var kind = Peek();
                _position++;
                if (kind == 'u')
                {
                    for (var i = 0; i < 4; i++, _position++)
                    {
                        _ = HexDigit(Peek());
                    }
                }
                else if (kind is not ((byte)'"' or (byte)'\\' or (byte)'/' or (byte)'b' or (byte)'f' or (byte)'n' or (byte)'r' or (byte)'t'))
                {
                    throw new NotCanonicalException();
                }
            }
        }

        _valueStart = start;
        _valueLength = _position - start;
        _valueEscaped = escaped;
        _position++; // the closing quote
    }

    /// <summary>-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?, followed by a delimiter.</summary>
    private void ScanNumber()
    {
        var start = _position;
        if (Peek() == '-')
        {
            _position++;
        }

        if (Peek() == '0')
        {
            _position++;
        }
        else
        {
            Digits();
        }

        if (Peek() == '.')
        {
            _position++;
            Digits();
        }

        if (Peek() is (byte)'e' or (byte)'E')
        {
            _position++;
            if (Peek() is (byte)'+' or (byte)'-')
            {
                _position++;
            }

            Digits();
        }

        if (_position < _json.Length && _json[_position] is not ((byte)',' or (byte)'}' or (byte)']' or (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r'))
        {
            throw new NotCanonicalException(); // "01", "1x"
        }

        _valueStart = start;
        _valueLength = _position - start;
        _valueEscaped = false;
    }

    private void Digits()
    {
        var start = _position;
        while (Peek() is >= (byte)'0' and <= (byte)'9')
        {
            _position++;
        }

        if (_position == start)
        {
            throw new NotCanonicalException();
        }
    }

    private void SkipWhitespace()
    {
        while (Peek() is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r')
        {
            _position++;
        }
    }

    // 0 at the end of the input: never valid where a token is looked for.
    private readonly byte Peek() => _position < _json.Length ? _json[_position] : (byte)0;

    private static int HexDigit(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        _ => throw new NotCanonicalException(),
    };

    /// <summary>The current string or property name, unescaped.</summary>
    public readonly string GetString()
    {
        if (TokenType is not (JsonTokenType.String or JsonTokenType.PropertyName))
        {
            throw new NotCanonicalException();
        }

        return _valueEscaped ? Unescape(Value) : Encoding.ASCII.GetString(Value);
    }

    private static string Unescape(ReadOnlySpan<byte> text)
    {
        var chars = text.Length <= 256 ? stackalloc char[text.Length] : new char[text.Length];
        var count = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = (char)text[i];
            if (c == '\\')
            {
                c = (char)text[++i] switch
                {
                    'b' => '\b',
                    'f' => '\f',
                    'n' => '\n',
                    'r' => '\r',
                    't' => '\t',
                    'u' => (char)((HexDigit(text[i + 1]) << 12) | (HexDigit(text[i + 2]) << 8) | (HexDigit(text[i + 3]) << 4) | HexDigit(text[i + 4])),
                    var same => same, // " \ /
                };
                i += text[i] == 'u' ? 4 : 0;
            }

            chars[count++] = c;
        }

        var result = chars[..count];
        for (var i = 0; i < result.Length; i++)
        {
            // A surrogate must be half of a pair; System.Text.Json refuses a lone one its own way.
            if (char.IsHighSurrogate(result[i]) && i + 1 < result.Length && char.IsLowSurrogate(result[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(result[i]))
            {
                throw new NotCanonicalException();
            }
        }

        return new string(result);
    }

    /// <summary>Whether the current string or property name is <paramref name="utf8"/> once unescaped.</summary>
    public readonly bool ValueTextEquals(ReadOnlySpan<byte> utf8)
    {
        if (TokenType is not (JsonTokenType.String or JsonTokenType.PropertyName))
        {
            throw new NotCanonicalException();
        }

        return _valueEscaped ? Encoding.UTF8.GetBytes(GetString()).AsSpan().SequenceEqual(utf8) : Value.SequenceEqual(utf8);
    }

    public readonly bool TryGetInt32(out int value)
    {
        var ok = TryGetInt64(out var wide) && wide is >= int.MinValue and <= int.MaxValue;
        value = ok ? (int)wide : 0;
        return ok;
    }

    /// <summary>A whole number (no fraction, no exponent) that fits; else false, as <see cref="Utf8JsonReader"/> says.</summary>
    public readonly bool TryGetInt64(out long value)
    {
        value = 0;
        var text = NumberText();
        var negative = text[0] == '-';
        ulong magnitude = 0;
        foreach (var c in text[(negative ? 1 : 0)..])
        {
            if (c is < (byte)'0' or > (byte)'9' || magnitude > (ulong.MaxValue - 9) / 10)
            {
                return false;
            }

            magnitude = (magnitude * 10) + (ulong)(c - '0');
        }

        if (magnitude > (negative ? (ulong)long.MaxValue + 1 : long.MaxValue))
        {
            return false;
        }

        value = unchecked(negative ? (long)(0 - magnitude) : (long)magnitude);
        return true;
    }

    /// <summary>A finite double; a number out of range is left to the serializer.</summary>
    public readonly bool TryGetDouble(out double value)
    {
        var text = NumberText();
        Span<char> chars = stackalloc char[text.Length];
        for (var i = 0; i < text.Length; i++)
        {
            chars[i] = (char)text[i];
        }

        // The char overload: precompiled in every process, unlike the UTF-8 one's generic code.
        return double.TryParse(chars, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
    }

    private readonly ReadOnlySpan<byte> NumberText() => TokenType == JsonTokenType.Number ? Value : throw new NotCanonicalException();

    /// <summary>
    /// <c>yyyy-MM-ddTHH:mm:ss</c>, an optional fraction of 1-7 digits, then <c>Z</c> or <c>+hh:mm</c>/<c>-hh:mm</c>:
    /// what the store writes. Other ISO 8601 forms (no offset: local time; more digits; no seconds)
    /// are the serializer's.
    /// </summary>
    public readonly bool TryGetDateTimeOffset(out DateTimeOffset value)
    {
        value = default;
        if (TokenType != JsonTokenType.String || _valueEscaped)
        {
            return false;
        }

        var t = Value;
        if (t.Length < 20 || t[4] != '-' || t[7] != '-' || t[10] != 'T' || t[13] != ':' || t[16] != ':')
        {
            return false;
        }

        if (!Number(t[..4], out var year) || !Number(t.Slice(5, 2), out var month) || !Number(t.Slice(8, 2), out var day)
            || !Number(t.Slice(11, 2), out var hour) || !Number(t.Slice(14, 2), out var minute) || !Number(t.Slice(17, 2), out var second))
        {
            return false;
        }

        var at = 19;
        long fraction = 0;
        if (t[at] == '.')
        {
            var digits = 0;
            for (at++; at < t.Length && t[at] is >= (byte)'0' and <= (byte)'9'; at++, digits++)
            {
                fraction = (fraction * 10) + (t[at] - '0');
            }

            if (digits is 0 or > 7)
            {
                return false;
            }

            for (; digits < 7; digits++)
            {
                fraction *= 10;
            }
        }

        var offset = TimeSpan.Zero;
        var zone = t[at..];
        if (zone.Length == 6 && zone[0] is (byte)'+' or (byte)'-' && zone[3] == ':' && Number(zone.Slice(1, 2), out var offsetHours) && Number(zone.Slice(4, 2), out var offsetMinutes))
        {
            if (offsetMinutes > 59)
            {
                return false;
            }

            offset = new TimeSpan(offsetHours, offsetMinutes, 0);
            offset = zone[0] == '-' ? -offset : offset;
        }
        else if (zone is not [(byte)'Z'])
        {
            return false;
        }

        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59 || offset.Duration() > TimeSpan.FromHours(14))
        {
            return false;
        }

        var ticks = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified).Ticks + fraction;
        var utcTicks = ticks - offset.Ticks;
        if (utcTicks < DateTime.MinValue.Ticks || utcTicks > DateTime.MaxValue.Ticks)
        {
            return false;
        }

        value = new DateTimeOffset(ticks, offset);
        return true;
    }

    private static bool Number(ReadOnlySpan<byte> digits, out int value)
    {
        value = 0;
        foreach (var c in digits)
        {
            if (c is < (byte)'0' or > (byte)'9')
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return true;
    }
}
