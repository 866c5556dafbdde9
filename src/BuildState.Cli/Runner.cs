using System.CommandLine;
using BuildState.Errors;

namespace BuildState.Cli;

/// <summary>Binds verbs to handlers and turns every failure into one line and its exit code.</summary>
internal sealed class Runner(CliEnvironment environment)
{
    public CliEnvironment Environment { get; } = environment;

    public RootCommand? Root { get; set; }

    /// <summary>Each verb's example, printed after its help.</summary>
    public Dictionary<Command, string> Examples { get; } = [];

    /// <summary>Creates a verb whose help ends with an example.</summary>
    public Command Verb(string name, string description, string example, Func<CliContext, int> handler, params Symbol[] symbols)
    {
        var command = new Command(name, description);
        Examples[command] = example;
        foreach (var symbol in symbols)
        {
            switch (symbol)
            {
                case Argument argument:
                    command.Add(argument);
                    break;
                case Option option:
                    command.Add(option);
                    break;
            }
        }

        command.SetAction(parse => Execute(parse, handler));
        return command;
    }

    public int Execute(ParseResult parse, Func<CliContext, int> handler)
    {
        var verbose = parse.GetValue(GlobalOptions.Verbose);
        try
        {
            var context = new CliContext(Environment, parse);
            return handler(context);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // What the verb printed before it failed comes before the error line (standard output is buffered).
            CliApp.FlushOutput(Environment);
            return Fail(e, parse, verbose);
        }
    }

    private int Fail(Exception exception, ParseResult parse, bool verbose)
    {
        var error = Environment.Error;
        switch (exception)
        {
            case UsageException e:
                error.WriteLine($"error: {e.Message}");
                error.WriteLine();
                if (Root is not null)
                {
                    CliApp.PrintUsage(Root, parse.CommandResult.Command, error);
                }

                return ExitCodes.Usage;
            case BuildStateException e:
                error.WriteLine(e.ToOneLine());
                Details(e, verbose);
                return e.ExitCode;
            case OperationCanceledException:
                error.WriteLine("cancelled");
                return 130;
            case IOException or UnauthorizedAccessException:
                var wrapped = BuildStateException.FromIo(exception, PathOf(exception) ?? "", "complete the command");
                error.WriteLine(wrapped.FilePath is "" ? $"{wrapped.Message} ({wrapped.Kind}, exit code {wrapped.ExitCode})" : wrapped.ToOneLine());
                Details(exception, verbose);
                return wrapped.ExitCode;
            default:
                error.WriteLine($"error: {exception.GetType().Name}: {exception.Message} (exit code {ExitCodes.General}; --verbose shows details)");
                Details(exception, verbose);
                return ExitCodes.General;
        }
    }

    private void Details(Exception e, bool verbose)
    {
        if (verbose)
        {
            Environment.Error.WriteLine(e.ToString());
        }
    }

    private static string? PathOf(Exception e) => e switch
    {
        FileNotFoundException f => f.FileName,
        _ => null,
    };
}
