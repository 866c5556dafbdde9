using System.Text;
using BuildState.Sdk.TestRecorder;

// Started by the hook the SDK compiles into a Microsoft.Testing.Platform test application, twice
// per test session: `dotnet BuildState.Sdk.TestRecorder.dll <settings file> begin` when it starts
// (it starts the run, says so, then stays to watch the test process), `... end` when it ends
// (`end` when no mode is given), the session's account on standard input (TestSession). Exit code 0: recorded; 1: not recorded, why on stderr in one line (the hook
// passes it on as warning BST1010; the test run's own result is never changed).
if (args.Length is not (1 or 2) || (args.Length == 2 && args[1] is not ("begin" or "end")))
{
    Console.Error.WriteLine("usage: BuildState.Sdk.TestRecorder <settings file> [begin|end]  (the test session's account on standard input)");
    return 1;
}

try
{
    var settings = RecorderSettings.Read(args[0]);
    using var input = new StreamReader(Console.OpenStandardInput(), Utf8); // as the hook writes it, whatever the code page
    var session = TestSession.Parse(input);
    if (args.Length == 2 && args[1] == "begin")
    {
        // The hook waits for this line only; then this process watches the test process.
        var started = SessionRecorder.Begin(settings, session, Environment.GetEnvironmentVariables());
        Console.Out.WriteLine($"BuildState: started run {started.RunId} of {started.Id} for the test session");
        Console.Out.Flush();
        SessionRecorder.Watch(settings, session, started);
        return 0;
    }

    var record = SessionRecorder.Record(settings, session, Environment.GetEnvironmentVariables());
    Console.Out.WriteLine($"BuildState: recorded the test session as run {record.RunId} of {record.Id} ({record.Status})");
    return 0;
}
catch (Exception e)
{
    // Whatever went wrong (a store another process holds past the lock timeout, a disk that is
    // full, a settings file from another version) costs the record of this session, nothing else.
    // The reason alone, in UTF-8 as the hook reads it: the hook puts it in its BST1010 warning.
    using var error = new StreamWriter(Console.OpenStandardError(), Utf8);
    error.WriteLine(e.Message);
    return 1;
}

internal static partial class Program
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);
}
