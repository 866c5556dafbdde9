using System.Globalization;
using System.Text;

namespace BuildState.Sdk.TestRecorder;

/// <summary>One failed test as the hook saw it.</summary>
internal sealed record TestFailure(string Name, string Outcome, string? Message, string? StackTrace);

/// <summary>
/// A Microsoft.Testing.Platform test session as the hook in the test application tells the
/// recorder on its standard input, one "key value" per line: at the start started, process,
/// assembly and launcher; at the end also exit, finished, ended, passed, failed, skipped, and one
/// failure line per listed failed test (name, outcome, message and stack trace, separated by tabs,
/// each escaped by the hook: backslash, tab, carriage return and line feed as \\, \t, \r and \n).
/// Unknown keys are skipped, so an older recorder reads a newer hook's account.
/// </summary>
internal sealed class TestSession
{
    public int ExitCode { get; set; }

    public DateTimeOffset StartedAt { get; set; }

    public DateTimeOffset EndedAt { get; set; }

    public int Passed { get; set; }

    public int Failed { get; set; }

    public int Skipped { get; set; }

    /// <summary>The test application's process id (0: not given).</summary>
    public int ProcessId { get; set; }

    /// <summary>The session ran to its end (the platform disposed its extensions); false when the process exited in the middle (Environment.Exit in a test).</summary>
    public bool Finished { get; set; } = true;

    /// <summary>Where the test application ran from, when it could tell.</summary>
    public string? Assembly { get; set; }

    /// <summary>`dotnet test` started the application (its server mode under `dotnet test`'s protocol).</summary>
    public bool UnderDotnetTest { get; set; }

    /// <summary>The failed tests the hook lists, at most 20; the rest are only counted.</summary>
    public List<TestFailure> Failures { get; } = [];

    public static TestSession Parse(TextReader reader)
    {
        var session = new TestSession();
        var lineNumber = 0;
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            var space = line.IndexOf(' ');
            var key = space < 0 ? line : line[..space];
            var value = space < 0 ? "" : line[(space + 1)..];
            switch (key)
            {
                case "exit":
                    session.ExitCode = Number(value, lineNumber);
                    break;
                case "started":
                    session.StartedAt = Time(value, lineNumber);
                    break;
                case "ended":
                    session.EndedAt = Time(value, lineNumber);
                    break;
                case "passed":
                    session.Passed = Number(value, lineNumber);
                    break;
                case "failed":
                    session.Failed = Number(value, lineNumber);
                    break;
                case "skipped":
                    session.Skipped = Number(value, lineNumber);
                    break;
                case "process":
                    session.ProcessId = Number(value, lineNumber);
                    break;
                case "finished":
                    session.Finished = value != "0";
                    break;
                case "assembly":
                    session.Assembly = NullIfEmpty(Unescape(value));
                    break;
                case "launcher":
                    session.UnderDotnetTest = value == "dotnet-test";
                    break;
                case "failure":
                    var fields = value.Split('\t');
                    session.Failures.Add(new TestFailure(
                        Unescape(fields[0]),
                        fields.Length > 1 ? Unescape(fields[1]) : "Failed",
                        fields.Length > 2 ? NullIfEmpty(Unescape(fields[2])) : null,
                        fields.Length > 3 ? NullIfEmpty(Unescape(fields[3])) : null));
                    break;
            }
        }

        if (session.StartedAt == default)
        {
            throw new InvalidDataException("the test session's account has no 'started' line: the hook in the test application and this recorder do not match; build the test project again");
        }

        if (session.EndedAt < session.StartedAt)
        {
            session.EndedAt = session.StartedAt;
        }

        return session;
    }

    /// <summary>Undoes the hook's escaping (see the class summary): one field per tab, one record per line.</summary>
    public static string Unescape(string text)
    {
        if (!text.Contains('\\'))
        {
            return text;
        }

        var result = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c != '\\' || i == text.Length - 1)
            {
                result.Append(c);
                continue;
            }

            result.Append(text[++i] switch { 't' => '\t', 'r' => '\r', 'n' => '\n', var other => other });
        }

        return result.ToString();
    }

    private static string? NullIfEmpty(string text) => text.Length == 0 ? null : text;

    private static int Number(string value, int line) =>
        int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw new InvalidDataException($"line {line} of the test session's account: '{value}' is not a number");

    private static DateTimeOffset Time(string value, int line) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var t)
            ? t
            : throw new InvalidDataException($"line {line} of the test session's account: '{value}' is not a time");
}
