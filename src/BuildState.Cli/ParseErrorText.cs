using System.CommandLine.Parsing;
using System.Globalization;

namespace BuildState.Cli;

/// <summary>
/// The message of a parse error, in the user's terms. System.CommandLine reports a value it cannot
/// convert with the .NET type name ("as expected type 'System.Nullable`1[System.Int32]'"); for the
/// value types the verbs use, the message says instead what the option accepts.
/// </summary>
internal static class ParseErrorText
{
    public static string Describe(ParseError error) => ConversionFailure(error.SymbolResult) ?? error.Message;

    private static string? ConversionFailure(SymbolResult? result)
    {
        var (name, type, tokens) = result switch
        {
            // The value of an option arrives as the argument result under the option's result.
            ArgumentResult { Parent: OptionResult o } a => (o.Option.Name, o.Option.ValueType, a.Tokens),
            OptionResult o => (o.Option.Name, o.Option.ValueType, o.Tokens),
            ArgumentResult a => ($"<{a.Argument.Name}>", a.Argument.ValueType, a.Tokens),
            _ => (null, null, null),
        };
        if (name is null || type is null || tokens is not [{ } token])
        {
            return null;
        }

        var value = token.Value;
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (underlying.IsEnum && !Enum.TryParse(underlying, value, ignoreCase: true, out _))
        {
            return $"{name} must be one of {string.Join(", ", Enum.GetNames(underlying))}, not '{value}'";
        }

        if ((underlying == typeof(int) && !int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
            || (underlying == typeof(long) && !long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)))
        {
            return $"{name} must be a whole number (e.g. 10), not '{value}'";
        }

        return null;
    }
}
