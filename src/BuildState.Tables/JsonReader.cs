using System.Globalization;
using System.Text;

namespace BuildState.Tables;

internal enum JsonKind
{
    Object,
    Array,
    String,
    Number,
    True,
    False,
    Null,
}

/// <summary>A JSON value with the offset and length of its text (a tiny DOM for table files).</summary>
internal abstract class JsonNode
{
    protected JsonNode(JsonKind kind, int offset, int length)
    {
        Kind = kind;
        Offset = offset;
        Length = length;
    }

    public JsonKind Kind { get; }

    public int Offset { get; }

    public int Length { get; internal set; }
}

internal sealed class JsonProperty
{
    public JsonProperty(string name, int nameOffset, int nameLength, JsonNode value)
    {
        Name = name;
        NameOffset = nameOffset;
        NameLength = nameLength;
        Value = value;
    }

    public string Name { get; }

    public int NameOffset { get; }

    public int NameLength { get; }

    public JsonNode Value { get; }
}

internal sealed class JsonObject : JsonNode
{
    public JsonObject(int offset) : base(JsonKind.Object, offset, 1)
    {
    }

    public List<JsonProperty> Properties { get; } = new List<JsonProperty>();
}

internal sealed class JsonArray : JsonNode
{
    public JsonArray(int offset) : base(JsonKind.Array, offset, 1)
    {
    }

    public List<JsonNode> Items { get; } = new List<JsonNode>();
}

internal sealed class JsonScalar : JsonNode
{
    public JsonScalar(JsonKind kind, string value, int offset, int length) : base(kind, offset, length)
    {
        Value = value;
    }

    /// <summary>The decoded string for <see cref="JsonKind.String"/>, else the raw token text.</summary>
    public string Value { get; }
}

internal sealed class JsonSyntaxException : Exception
{
    public JsonSyntaxException(string message, int offset) : base(message)
    {
        Offset = offset;
    }

    public int Offset { get; }
}

/// <summary>
/// A small strict JSON reader (RFC 8259, plus a leading BOM) that keeps the offset of every
/// token. It is iterative-safe for hostile input: the text length, the nesting depth and the
/// number of values are bounded, so a crafted file cannot hang it or overflow the stack.
/// </summary>
internal sealed class JsonReader
{
    public const int MaxLength = 1024 * 1024;
    public const int MaxDepth = 64;
    public const int MaxValues = 100_000;

    private readonly string _text;
    private int _pos;
    private int _values;

    private JsonReader(string text)
    {
        _text = text;
    }

    /// <summary>Parses <paramref name="text"/>; throws <see cref="JsonSyntaxException"/> on error.</summary>
    public static JsonNode Parse(string text)
    {
        if (text.Length > MaxLength)
        {
            throw new JsonSyntaxException("the file is larger than " + MaxLength + " characters", 0);
        }

        var reader = new JsonReader(text);
        if (text.Length > 0 && text[0] == '\uFEFF')
        {
            reader._pos = 1;
        }

        reader.SkipWhitespace();
        if (reader._pos >= text.Length)
        {
            throw new JsonSyntaxException("the file is empty", reader._pos);
        }

        var value = reader.ReadValue(0);
        reader.SkipWhitespace();
        if (reader._pos < text.Length)
        {
            throw new JsonSyntaxException("unexpected " + reader.Describe() + " after the end of the JSON value", reader._pos);
        }

        return value;
    }

    private JsonNode ReadValue(int depth)
    {
        if (++_values > MaxValues)
        {
            throw new JsonSyntaxException("the file has more than " + MaxValues + " values", _pos);
        }

        if (_pos >= _text.Length)
        {
            throw new JsonSyntaxException("unexpected end of file, expected a value", _pos);
        }

        var c = _text[_pos];
        switch (c)
        {
            case '{':
                return ReadObject(depth + 1);
            case '[':
                return ReadArray(depth + 1);
            case '"':
                {
                    var start = _pos;
                    var s = ReadString();
                    return new JsonScalar(JsonKind.String, s, start, _pos - start);
                }

            case 't':
                return ReadLiteral("true", JsonKind.True);
            case 'f':
                return ReadLiteral("false", JsonKind.False);
            case 'n':
                return ReadLiteral("null", JsonKind.Null);
            default:
                if (c == '-' || (c >= '0' && c <= '9'))
                {
                    return ReadNumber();
                }

                throw new JsonSyntaxException("unexpected " + Describe() + ", expected a value", _pos);
        }
    }

    private JsonObject ReadObject(int depth)
    {
        if (depth > MaxDepth)
        {
            throw new JsonSyntaxException("values are nested deeper than " + MaxDepth + " levels", _pos);
        }

        var obj = new JsonObject(_pos);
        _pos++;
        SkipWhitespace();
        if (Peek() == '}')
        {
            _pos++;
            obj.Length = _pos - obj.Offset;
            return obj;
        }

        var comma = -1; // where the comma before this property is, to name a trailing one
        while (true)
        {
            SkipWhitespace();
            if (Peek() == '}' && comma >= 0)
            {
                throw TrailingComma('}', comma);
            }

            if (Peek() != '"')
            {
                throw new JsonSyntaxException("unexpected " + Describe() + ", expected a property name in double quotes", _pos);
            }

            var nameStart = _pos;
            var name = ReadString();
            var nameLength = _pos - nameStart;
            SkipWhitespace();
            if (Peek() != ':')
            {
                throw new JsonSyntaxException("unexpected " + Describe() + ", expected ':' after property name", _pos);
            }

            _pos++;
            SkipWhitespace();
            var value = ReadValue(depth);
            obj.Properties.Add(new JsonProperty(name, nameStart, nameLength, value));
            SkipWhitespace();
            var c = Peek();
            if (c == ',')
            {
                comma = _pos;
                _pos++;
                continue;
            }

            if (c == '}')
            {
                _pos++;
                obj.Length = _pos - obj.Offset;
                return obj;
            }

            throw new JsonSyntaxException("unexpected " + Describe() + ", expected ',' or '}'", _pos);
        }
    }

    private JsonArray ReadArray(int depth)
    {
        if (depth > MaxDepth)
        {
            throw new JsonSyntaxException("values are nested deeper than " + MaxDepth + " levels", _pos);
        }

        var array = new JsonArray(_pos);
        _pos++;
        SkipWhitespace();
        if (Peek() == ']')
        {
            _pos++;
            array.Length = _pos - array.Offset;
            return array;
        }

        var comma = -1;
        while (true)
        {
            SkipWhitespace();
            if (Peek() == ']' && comma >= 0)
            {
                throw TrailingComma(']', comma);
            }

            array.Items.Add(ReadValue(depth));
            SkipWhitespace();
            var c = Peek();
            if (c == ',')
            {
                comma = _pos;
                _pos++;
                continue;
            }

            if (c == ']')
            {
                _pos++;
                array.Length = _pos - array.Offset;
                return array;
            }

            throw new JsonSyntaxException("unexpected " + Describe() + ", expected ',' or ']'", _pos);
        }
    }

    // JSON allows no comma before a closing bracket; many editors and other formats (JSONC) do, so
    // the error says so at the comma, rather than "expected a value" at the bracket.
    private static JsonSyntaxException TrailingComma(char closing, int comma) =>
        new("trailing comma before '" + closing + "' (JSON allows none): remove this comma", comma);

    private string ReadString()
    {
        var start = _pos;
        _pos++; // opening quote
        StringBuilder? sb = null;
        var runStart = _pos;
        while (true)
        {
            if (_pos >= _text.Length)
            {
                throw new JsonSyntaxException("unterminated string", start);
            }

            var c = _text[_pos];
            if (c == '"')
            {
                string result;
                if (sb == null)
                {
                    result = _text.Substring(runStart, _pos - runStart);
                }
                else
                {
                    sb.Append(_text, runStart, _pos - runStart);
                    result = sb.ToString();
                }

                _pos++;
                return result;
            }

            if (c < 0x20)
            {
                throw new JsonSyntaxException("control character in string (use an escape sequence)", _pos);
            }

            if (c != '\\')
            {
                _pos++;
                continue;
            }

            sb ??= new StringBuilder();
            sb.Append(_text, runStart, _pos - runStart);
            _pos++;
            if (_pos >= _text.Length)
            {
                throw new JsonSyntaxException("unterminated string", start);
            }

            var e = _text[_pos];
            switch (e)
            {
                case '"': sb.Append('"'); break;
                case '\\': sb.Append('\\'); break;
                case '/': sb.Append('/'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'n': sb.Append('\n'); break;
                case 'r': sb.Append('\r'); break;
                case 't': sb.Append('\t'); break;
                case 'u':
                    if (_pos + 4 >= _text.Length ||
                        !int.TryParse(_text.Substring(_pos + 1, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
                    {
                        throw new JsonSyntaxException("invalid \\u escape sequence", _pos - 1);
                    }

                    sb.Append((char)code);
                    _pos += 4;
                    break;
                default:
                    throw new JsonSyntaxException("invalid escape sequence '\\" + e + "'", _pos - 1);
            }

            _pos++;
            runStart = _pos;
        }
    }

    private JsonScalar ReadNumber()
    {
        var start = _pos;
        if (Peek() == '-')
        {
            _pos++;
        }

        if (Peek() == '0')
        {
            _pos++;
        }
        else if (IsDigit(Peek()))
        {
            while (IsDigit(Peek()))
            {
                _pos++;
            }
        }
        else
        {
            throw new JsonSyntaxException("invalid number", start);
        }

        if (Peek() == '.')
        {
            _pos++;
            if (!IsDigit(Peek()))
            {
                throw new JsonSyntaxException("invalid number", start);
            }

            while (IsDigit(Peek()))
            {
                _pos++;
            }
        }

        if (Peek() == 'e' || Peek() == 'E')
        {
            _pos++;
            if (Peek() == '+' || Peek() == '-')
            {
                _pos++;
            }

            if (!IsDigit(Peek()))
            {
                throw new JsonSyntaxException("invalid number", start);
            }

            while (IsDigit(Peek()))
            {
                _pos++;
            }
        }

        return new JsonScalar(JsonKind.Number, _text.Substring(start, _pos - start), start, _pos - start);
    }

    private JsonScalar ReadLiteral(string literal, JsonKind kind)
    {
        if (string.CompareOrdinal(_text, _pos, literal, 0, literal.Length) != 0)
        {
            throw new JsonSyntaxException("unexpected " + Describe() + ", expected a value", _pos);
        }

        var start = _pos;
        _pos += literal.Length;
        return new JsonScalar(kind, literal, start, literal.Length);
    }

    private static bool IsDigit(char c) => c >= '0' && c <= '9';

    private char Peek() => _pos < _text.Length ? _text[_pos] : '\0';

    private void SkipWhitespace()
    {
        while (_pos < _text.Length)
        {
            var c = _text[_pos];
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
            {
                _pos++;
            }
            else
            {
                return;
            }
        }
    }

    private string Describe()
    {
        if (_pos >= _text.Length)
        {
            return "end of file";
        }

        var c = _text[_pos];
        return c < 0x20 || c > 0x7e
            ? "character U+" + ((int)c).ToString("X4", CultureInfo.InvariantCulture)
            : "character '" + c + "'";
    }
}
