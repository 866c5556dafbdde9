using System.Text.RegularExpressions;
using System.Xml;
using BuildState.Model;

namespace BuildState.Sdk.Session;

/// <summary>
/// Reads a `dotnet test` run's counts and failed tests from its TRX file (the VSTest platform's
/// results format): the SDK adds a TRX logger writing to the project's obj folder, or, when the
/// user already asked for TRX results, reads the newest file in their results folder. The VSTest
/// task reports nothing to MSBuild itself, so this file is the only structured account of the run.
/// </summary>
internal static partial class TrxResults
{
    /// <summary>Failed tests recorded as errors, at most; the rest are summed up in one more.</summary>
    public const int MaxFailures = 20;

    private const int MaxMessageChars = 500;
    private const long MaxBytes = 256L * 1024 * 1024;

    /// <summary>
    /// The results of the test run, or null when there is no results file written since
    /// <paramref name="notBefore"/> or it cannot be read. <paramref name="fileOrFolder"/> is the
    /// SDK's own TRX file, or a folder (ending in a separator) whose newest *.trx is taken, the
    /// newest that names <paramref name="testAssembly"/> when there is one: the inner builds of a
    /// multi-targeted test project run their tests at the same time and share the user's folder.
    /// </summary>
    public static (TestResults Counts, List<ErrorRecord> Failures)? Read(string? fileOrFolder, DateTimeOffset notBefore, string? testAssembly = null)
    {
        var path = Find(fileOrFolder, notBefore.UtcDateTime.AddSeconds(-2), testAssembly);
        if (path is null)
        {
            return null;
        }

        try
        {
            if (new FileInfo(path).Length > MaxBytes)
            {
                return null;
            }

            var results = Parse(path);
            results.Counts.Source = Path.GetFullPath(path);
            return results;
        }
        catch (Exception e) when (e is XmlException or IOException or UnauthorizedAccessException)
        {
            // An unreadable results file costs the counts, never the run's record.
            return null;
        }
    }

    private static string? Find(string? fileOrFolder, DateTime notBeforeUtc, string? testAssembly)
    {
        if (string.IsNullOrEmpty(fileOrFolder))
        {
            return null;
        }

        if (!fileOrFolder.EndsWith('/') && !fileOrFolder.EndsWith('\\'))
        {
            return File.Exists(fileOrFolder) && File.GetLastWriteTimeUtc(fileOrFolder) >= notBeforeUtc ? fileOrFolder : null;
        }

        if (!Directory.Exists(fileOrFolder))
        {
            return null;
        }

        var recent = new List<(DateTime Written, string File)>();
        foreach (var file in Directory.EnumerateFiles(fileOrFolder, "*.trx"))
        {
            var written = File.GetLastWriteTimeUtc(file);
            if (written >= notBeforeUtc)
            {
                recent.Add((written, file));
            }
        }

        recent.Sort((a, b) => b.Written.CompareTo(a.Written));
        if (testAssembly is not null)
        {
            foreach (var (_, file) in recent)
            {
                if (Names(file, testAssembly))
                {
                    return file;
                }
            }
        }

        return recent.Count > 0 ? recent[0].File : null;
    }

    // A TRX file lists each test's assembly as codeBase="<full path>".
    private static bool Names(string file, string testAssembly)
    {
        try
        {
            return new FileInfo(file).Length <= MaxBytes
                && File.ReadAllText(file).Contains("codeBase=\"" + System.Security.SecurityElement.Escape(testAssembly) + "\"", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Counts the top-level results (a data-driven test's inner results are part of their parent's).</summary>
    internal static (TestResults Counts, List<ErrorRecord> Failures) Parse(string path)
    {
        var counts = new TestResults();
        var failures = new List<ErrorRecord>();
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, IgnoreWhitespace = true, IgnoreComments = true };
        using var reader = XmlReader.Create(path, settings);
        var inResults = false;
        while (reader.Read())
        {
            if (reader.NodeType == XmlNodeType.Element && reader.Depth == 1)
            {
                inResults = reader.LocalName == "Results";
            }
            else if (inResults && reader.NodeType == XmlNodeType.Element && reader.Depth == 2 && reader.LocalName == "UnitTestResult")
            {
                var name = reader.GetAttribute("testName") ?? "(unnamed test)";
                var outcome = reader.GetAttribute("outcome") ?? "";
                counts.Total++;
                if (IsFailure(outcome))
                {
                    counts.Failed++;
                    var failure = ReadFailure(reader.IsEmptyElement ? null : reader.ReadSubtree(), name, outcome);
                    if (failures.Count < MaxFailures)
                    {
                        failures.Add(failure);
                    }
                }
                else if (outcome == "Passed")
                {
                    counts.Passed++;
                }
                else if (outcome is "NotExecuted" or "Skipped" or "Ignored")
                {
                    counts.Skipped++;
                }
            }
        }

        if (counts.Failed > MaxFailures)
        {
            failures.Add(new ErrorRecord { Target = "VSTest", Message = $"and {counts.Failed - MaxFailures} more failed tests (all of them are in the results file)" });
        }

        return (counts, failures);
    }

    private static bool IsFailure(string outcome) => outcome is "Failed" or "Error" or "Timeout" or "Aborted";

    /// <summary>One failed test: its name and the first lines of its message, placed at the first source line of its stack trace.</summary>
    private static ErrorRecord ReadFailure(XmlReader? subtree, string name, string outcome)
    {
        string? message = null, stackTrace = null;
        if (subtree is not null)
        {
            using (subtree)
            {
                // ReadElementContentAsString leaves the reader on the next node: no Read() after it.
                subtree.Read();
                while (!subtree.EOF)
                {
                    if (subtree.NodeType == XmlNodeType.Element && subtree.LocalName == "Message" && message is null)
                    {
                        message = subtree.ReadElementContentAsString();
                    }
                    else if (subtree.NodeType == XmlNodeType.Element && subtree.LocalName == "StackTrace" && stackTrace is null)
                    {
                        stackTrace = subtree.ReadElementContentAsString();
                    }
                    else
                    {
                        subtree.Read();
                    }
                }
            }
        }

        return Failure(name, outcome, message, stackTrace, "VSTest");
    }

    /// <summary>
    /// One failed test as the store records it, from a TRX file or a Microsoft.Testing.Platform
    /// session (BuildState.Sdk.TestRecorder): "name: first lines of the message", placed at the first
    /// source line of its stack trace; <paramref name="target"/> says what ran the tests.
    /// </summary>
    internal static ErrorRecord Failure(string name, string outcome, string? message, string? stackTrace, string target)
    {
        var text = string.IsNullOrWhiteSpace(message) ? (outcome == "Failed" ? "failed" : outcome.ToLowerInvariant()) : OneLine(message);
        var error = new ErrorRecord { Target = target, Message = $"{name}: {text}" };
        if (stackTrace is not null && SourceLine().Match(stackTrace) is { Success: true } at && int.TryParse(at.Groups["line"].ValueSpan, out var line))
        {
            error.File = at.Groups["file"].Value;
            error.Line = line;
        }

        return error;
    }

    private static string OneLine(string text)
    {
        var joined = string.Join(" ", text.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return joined.Length <= MaxMessageChars ? joined : joined[..MaxMessageChars] + "...";
    }

    // "   at Calc.Tests.CalcTests.Wrong() in /src/Calc.Tests/CalcTests.cs:line 12"
    [GeneratedRegex(@" in (?<file>.+?):line (?<line>\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex SourceLine();
}
