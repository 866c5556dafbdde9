using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace BuildState.Cli;

/// <summary>The standard help, followed by the verb's example (kept out of the one-line descriptions of the verb list).</summary>
internal sealed class ExampleHelpAction(HelpAction inner, IReadOnlyDictionary<Command, string> examples) : SynchronousCommandLineAction
{
    public override int Invoke(ParseResult parseResult)
    {
        var code = inner.Invoke(parseResult);
        if (examples.TryGetValue(parseResult.CommandResult.Command, out var example))
        {
            var output = parseResult.InvocationConfiguration.Output;
            output.WriteLine("Example:");
            output.WriteLine($"  {example}");
            output.WriteLine();
        }

        return code;
    }

    public static void Install(RootCommand root, IReadOnlyDictionary<Command, string> examples)
    {
        var help = root.Options.OfType<HelpOption>().First();
        if (help.Action is HelpAction inner)
        {
            help.Action = new ExampleHelpAction(inner, examples);
        }
    }
}
