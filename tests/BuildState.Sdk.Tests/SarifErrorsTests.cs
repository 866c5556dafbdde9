using BuildState.Sdk.Session;

namespace BuildState.Sdk.Tests;

public sealed class SarifErrorsTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), "bst-sarif-" + Guid.NewGuid().ToString("N")[..8] + ".sarif");

    public void Dispose() => File.Delete(_file);

    private static string Result(string rule, string message, int line, string suppressions = "") => $$"""
        { "ruleId": "{{rule}}", "level": "error", "message": { "text": "{{message}}" },
          "locations": [ { "physicalLocation": { "artifactLocation": { "uri": "file:///src/W.cs" }, "region": { "startLine": {{line}}, "startColumn": 9 } } } ]
          {{suppressions}} }
        """;

    [Fact]
    public void Results_suppressed_in_source_are_not_errors()
    {
        // With an error log the compiler also reports what #pragma warning disable and
        // [SuppressMessage] suppressed, at the level the diagnostic would have had.
        File.WriteAllText(_file, $$"""
            { "version": "2.1.0", "runs": [ { "results": [
              {{Result("CS0168", "suppressed by a pragma", 4, """, "suppressions": [ { "kind": "inSource" } ]""")}},
              {{Result("CA1822", "suppressed by an attribute", 5, """, "suppressions": [ { "kind": "inSource", "status": "accepted", "justification": "x" } ]""")}},
              {{Result("CS0168", "reported", 6)}},
              {{Result("CS0169", "suppression under review still reported", 7, """, "suppressions": [ { "kind": "external", "status": "underReview" } ]""")}},
              {{Result("CS0219", "an empty list suppresses nothing", 8, """, "suppressions": []""")}}
            ] } ] }
            """);

        var errors = SarifErrors.Read(_file, DateTimeOffset.UtcNow.AddMinutes(-1));

        Assert.Equal(["reported", "suppression under review still reported", "an empty list suppresses nothing"], errors.Select(e => e.Message));
        Assert.Equal([6, 7, 8], errors.Select(e => e.Line ?? 0));
    }
}
