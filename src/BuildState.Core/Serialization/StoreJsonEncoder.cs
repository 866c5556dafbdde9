using System.Buffers;
using System.Text.Encodings.Web;

namespace BuildState.Serialization;

/// <summary>
/// The escaping <see cref="System.Text.Json.Utf8JsonWriter"/> does with no encoder set, given to it
/// as an encoder so that <see cref="JavaScriptEncoder.Default"/> is not touched for ASCII text. The
/// default encoder builds its tables and runs vectorized searches that no ReadyToRun image holds:
/// on a node's first write of the store that was about 10 ms of JIT work, for text that is almost
/// always plain ASCII.
///
/// The bytes are the writer's own (checked against it by tests): printable ASCII except
/// <c>" &amp; ' + &lt; &gt; \ `</c> as is; <c>\n \r \t \\ \b \f</c> as two characters; other ASCII as
/// <c>\u00XX</c> (upper-case hex, the quote too). From the first non-ASCII character on, the
/// writer hands the rest of the text to the default encoder, and so does this.
/// </summary>
internal sealed unsafe class StoreJsonEncoder : JavaScriptEncoder
{
    public static readonly StoreJsonEncoder Instance = new();

    private StoreJsonEncoder()
    {
    }

    public override int MaxOutputCharactersPerInputCharacter => 12; // a pair of \uXXXX

    private static bool IsAllowed(int c) =>
        c is >= 0x20 and <= 0x7E and not ('"' or '\\' or '&' or '\'' or '+' or '<' or '>' or '`');

    public override bool WillEncode(int unicodeScalar) => !IsAllowed(unicodeScalar);

    public override int FindFirstCharacterToEncode(char* text, int textLength)
    {
        for (var i = 0; i < textLength; i++)
        {
            if (!IsAllowed(text[i]))
            {
                return i;
            }
        }

        return -1;
    }

    public override int FindFirstCharacterToEncodeUtf8(ReadOnlySpan<byte> utf8Text)
    {
        for (var i = 0; i < utf8Text.Length; i++)
        {
            if (!IsAllowed(utf8Text[i]))
            {
                return i;
            }
        }

        return -1;
    }

    public override OperationStatus EncodeUtf8(ReadOnlySpan<byte> utf8Source, Span<byte> utf8Destination, out int bytesConsumed, out int bytesWritten, bool isFinalBlock = true)
    {
        Span<char> escape = stackalloc char[6];
        bytesConsumed = 0;
        bytesWritten = 0;
        for (; bytesConsumed < utf8Source.Length; bytesConsumed++)
        {
            var c = utf8Source[bytesConsumed];
            if (c > 0x7F)
            {
                var status = Default.EncodeUtf8(utf8Source[bytesConsumed..], utf8Destination[bytesWritten..], out var consumed, out var written, isFinalBlock);
                bytesConsumed += consumed;
                bytesWritten += written;
                return status;
            }

            var length = Escape((char)c, escape);
            if (bytesWritten + length > utf8Destination.Length)
            {
                return OperationStatus.DestinationTooSmall;
            }

            for (var i = 0; i < length; i++)
            {
                utf8Destination[bytesWritten++] = (byte)escape[i];
            }
        }

        return OperationStatus.Done;
    }

    public override OperationStatus Encode(ReadOnlySpan<char> source, Span<char> destination, out int charsConsumed, out int charsWritten, bool isFinalBlock = true)
    {
        Span<char> escape = stackalloc char[6];
        charsConsumed = 0;
        charsWritten = 0;
        for (; charsConsumed < source.Length; charsConsumed++)
        {
            var c = source[charsConsumed];
            if (c > 0x7F)
            {
                var status = Default.Encode(source[charsConsumed..], destination[charsWritten..], out var consumed, out var written, isFinalBlock);
                charsConsumed += consumed;
                charsWritten += written;
                return status;
            }

            var length = Escape(c, escape);
            if (charsWritten + length > destination.Length)
            {
                return OperationStatus.DestinationTooSmall;
            }

            escape[..length].CopyTo(destination[charsWritten..]);
            charsWritten += length;
        }

        return OperationStatus.Done;
    }

    public override bool TryEncodeUnicodeScalar(int unicodeScalar, char* buffer, int bufferLength, out int numberOfCharactersWritten)
    {
        if (unicodeScalar > 0x7F)
        {
            return Default.TryEncodeUnicodeScalar(unicodeScalar, buffer, bufferLength, out numberOfCharactersWritten);
        }

        Span<char> escape = stackalloc char[6];
        var length = Escape((char)unicodeScalar, escape);
        numberOfCharactersWritten = 0;
        if (length > bufferLength)
        {
            return false;
        }

        escape[..length].CopyTo(new Span<char>(buffer, bufferLength));
        numberOfCharactersWritten = length;
        return true;
    }

    /// <summary>An ASCII character as the writer puts it (itself when allowed); its length.</summary>
    private static int Escape(char c, Span<char> destination)
    {
        if (IsAllowed(c))
        {
            destination[0] = c;
            return 1;
        }

        destination[0] = '\\';
        var shortForm = c switch
        {
            '\n' => 'n',
            '\r' => 'r',
            '\t' => 't',
            '\\' => '\\',
            '\b' => 'b',
            '\f' => 'f',
            _ => '\0',
        };
        if (shortForm != '\0')
        {
            destination[1] = shortForm;
            return 2;
        }

        const string Hex = "0123456789ABCDEF";
        destination[1] = 'u';
        destination[2] = '0';
        destination[3] = '0';
        destination[4] = Hex[c >> 4];
        destination[5] = Hex[c & 0xF];
        return 6;
    }
}
