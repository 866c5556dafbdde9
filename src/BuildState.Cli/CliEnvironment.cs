namespace BuildState.Cli;

/// <summary>Everything the command reads from its surroundings, so tests can run it in-process with captured output.</summary>
public sealed class CliEnvironment
{
    public required TextWriter Out { get; init; }

    public required TextWriter Error { get; init; }

    public required string CurrentDirectory { get; init; }

    /// <summary>Environment variables (NO_COLOR, ...).</summary>
    public Func<string, string?> GetVariable { get; init; } = Environment.GetEnvironmentVariable;

    /// <summary>True when standard output is a terminal (colours and live display are allowed).</summary>
    public bool IsTerminal { get; init; }

    /// <summary>Terminal width, when known.</summary>
    public int? Width { get; init; }

    /// <summary>Cancelled on Ctrl+C.</summary>
    public CancellationToken Cancellation { get; init; }

    public Func<DateTimeOffset> Clock { get; init; } = () => DateTimeOffset.UtcNow;

    public static CliEnvironment FromProcess()
    {
        var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cts.Cancel();
        };
        var terminal = !Console.IsOutputRedirected;
        int? width = null;
        if (terminal)
        {
            try
            {
                width = Console.WindowWidth > 0 ? Console.WindowWidth : null;
            }
            catch (IOException)
            {
                width = null;
            }
        }

        // Standard output is buffered and flushed when the command ends (CliApp.Run), before an error
        // line, and by the views that show progress: Console.Out flushes every write, and Spectre writes
        // a table cell by cell (16,000 write calls for a table of 1,000 builds). Console.Out is replaced
        // rather than wrapped so that Spectre still sees standard output and detects the same things.
        Console.SetOut(new StreamWriter(Console.OpenStandardOutput(), Console.Out.Encoding, bufferSize: 64 * 1024) { AutoFlush = false });
        return new CliEnvironment
        {
            Out = Console.Out,
            Error = Console.Error,
            CurrentDirectory = Directory.GetCurrentDirectory(),
            IsTerminal = terminal,
            Width = width,
            Cancellation = cts.Token,
        };
    }

    /// <summary>An environment writing into strings (tests, and the in-process entry point).</summary>
    public static CliEnvironment Captured(string currentDirectory, StringWriter output, StringWriter error, Func<string, string?>? variables = null) => new()
    {
        Out = output,
        Error = error,
        CurrentDirectory = currentDirectory,
        GetVariable = variables ?? (_ => null),
        IsTerminal = false,
    };
}
