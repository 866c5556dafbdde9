using System.CommandLine;
using System.Text.RegularExpressions;

namespace BuildState.Cli;

/// <summary>
/// Mends the verb list of the top-level help: System.CommandLine shows a verb there with its
/// arguments as "recover &lt;BUILD&gt;" even when BUILD may be left out (its own usage line says
/// "[&lt;BUILD&gt;]"), and its help layout cannot be customised from outside the library (HelpBuilder
/// is internal). Optional arguments are put in brackets, the extra characters taken out of the
/// padding so the descriptions stay aligned.
/// </summary>
internal static class HelpText
{
    public static string MarkOptionalArguments(string help, RootCommand root)
    {
        foreach (var verb in root.Subcommands)
        {
            var arguments = verb.Arguments.Where(a => !a.Hidden).ToList();
            if (!arguments.Any(IsOptional))
            {
                continue;
            }

            var shown = $"  {verb.Name} {string.Join(' ', arguments.Select(a => $"<{a.Name}>"))}";
            var wanted = $"  {verb.Name} {string.Join(' ', arguments.Select(a => IsOptional(a) ? $"[<{a.Name}>]" : $"<{a.Name}>"))}";
            var minimumPadding = wanted.Length - shown.Length + 2; // at least two spaces stay before the description
            help = Regex.Replace(
                help,
                "^" + Regex.Escape(shown) + " {" + minimumPadding + ",}",
                row => wanted + new string(' ', row.Length - wanted.Length),
                RegexOptions.Multiline);
        }

        return help;
    }

    private static bool IsOptional(Argument argument) => argument.Arity.MinimumNumberOfValues == 0;
}
