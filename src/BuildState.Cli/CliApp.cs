using System.CommandLine;
using BuildState.Cli.Commands;
using BuildState.Errors;

namespace BuildState.Cli;

/// <summary>The entry point: builds the command tree, parses, runs one verb and returns its exit code.</summary>
public static class CliApp
{
    public static int Run(string[] args, CliEnvironment environment)
    {
        var code = RunCore(args, environment);
        if (FlushOutput(environment) is { } failure)
        {
            var wrapped = BuildStateException.FromIo(failure, "", "write the output", storeFile: false);
            environment.Error.WriteLine($"{wrapped.Message} ({wrapped.Kind}, exit code {wrapped.ExitCode})");
            return code == ExitCodes.Success ? wrapped.ExitCode : code;
        }

        return code;
    }

    /// <summary>Writes out what standard output holds (it is buffered: see <see cref="CliEnvironment.FromProcess"/>); returns the failure, if any.</summary>
    internal static IOException? FlushOutput(CliEnvironment environment)
    {
        try
        {
            environment.Out.Flush();
            return null;
        }
        catch (IOException e)
        {
            return e;
        }
    }

    /// <summary>
    /// The verbs' options and arguments are static, and a command tree built from them records
    /// itself as their parent: in a process that runs several commands at once (the tests), trees
    /// are built and parsed one at a time. A process of the tool runs one, so this costs it nothing.
    /// </summary>
    private static readonly object TreeGate = new();

    private static int RunCore(string[] args, CliEnvironment environment)
    {
        var runner = new Runner(environment);
        RootCommand root;
        ParseResult parse;
        try
        {
            lock (TreeGate)
            {
                root = BuildRoot(runner);
                parse = root.Parse(args);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            environment.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.Usage;
        }

        if (parse.Errors.Count > 0 && parse.Action is not (ExampleHelpAction or System.CommandLine.Help.HelpAction))
        {
            foreach (var error in parse.Errors)
            {
                environment.Error.WriteLine($"error: {ParseErrorText.Describe(error)}");
            }

            environment.Error.WriteLine();
            PrintUsage(root, parse.CommandResult.Command, environment.Error);
            return ExitCodes.Usage;
        }

        runner.Root = root;
        if (parse.Action is ExampleHelpAction or System.CommandLine.Help.HelpAction)
        {
            return WriteHelp(root, parse, environment.Out);
        }

        return parse.Invoke(new InvocationConfiguration
        {
            Output = environment.Out,
            Error = environment.Error,
            EnableDefaultExceptionHandler = false,
        });
    }

    /// <summary>Runs a --help (written to a buffer first, to mend its verb list: see <see cref="HelpText"/>).</summary>
    private static int WriteHelp(RootCommand root, ParseResult help, TextWriter writer)
    {
        var text = new StringWriter();
        var code = help.Invoke(new InvocationConfiguration { Output = text, Error = text });
        writer.Write(HelpText.MarkOptionalArguments(text.ToString(), root));
        return code;
    }

    internal static RootCommand BuildRoot(Runner runner)
    {
        var root = new RootCommand(
            "buildstate: inspect, validate, repair, restore and report on a BuildStateSdk state store (.buildstate/).\n" +
            "BUILD is a full build id (project|Configuration|TargetFramework) or any unique part of it.\n" +
            "Exit codes: " + string.Join(", ", ExitCodes.Meanings.Select(m => $"{m.Code} {m.Meaning}")) + ".");
        GlobalOptions.AddTo(root);
        root.Add(StatusCommand.Create(runner));
        root.Add(ListCommand.Create(runner));
        root.Add(ShowCommand.Create(runner));
        root.Add(HistoryCommand.Create(runner));
        root.Add(CheckpointsCommand.Create(runner));
        root.Add(CheckpointCommand.Create(runner));
        root.Add(RestoreCommand.Create(runner));
        root.Add(ValidateCommand.Create(runner));
        root.Add(VerifyCommand.Create(runner));
        root.Add(RecoverCommand.Create(runner));
        root.Add(ArchiveCommand.Create(runner));
        root.Add(PruneCommand.Create(runner));
        root.Add(MigrateCommand.Create(runner));
        root.Add(ReportCommand.Create(runner));
        root.Add(WatchCommand.Create(runner));
        root.Add(GraphCommand.Create(runner));
        ExampleHelpAction.Install(root, runner.Examples);
        return root;
    }

    /// <summary>Prints the help of <paramref name="command"/> to <paramref name="writer"/>.</summary>
    internal static void PrintUsage(RootCommand root, Command command, TextWriter writer)
    {
        var path = new List<string>();
        for (Command? c = command; c is not null && c != root; c = c.Parents.OfType<Command>().FirstOrDefault())
        {
            path.Insert(0, c.Name);
        }

        path.Add("--help");
        WriteHelp(root, root.Parse(path), writer);
    }
}
