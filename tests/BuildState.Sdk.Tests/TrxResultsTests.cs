using BuildState.Sdk.Session;

namespace BuildState.Sdk.Tests;

/// <summary>The TRX reader on hand-made results files (the end-to-end `dotnet test` runs are in CommandsTests).</summary>
public sealed class TrxResultsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bst-trx-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Trx(string results, string name = "run.trx")
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <TestRun id="1" xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010">
              <Results>{results}</Results>
              <TestDefinitions><UnitTest name="NotAResult" /></TestDefinitions>
              <ResultSummary outcome="Failed"><Counters total="999" /></ResultSummary>
            </TestRun>
            """);
        return path;
    }

    private static string Result(string name, string outcome, string inner = "") =>
        inner == "" ? $"""<UnitTestResult testName="{name}" outcome="{outcome}" />""" : $"""<UnitTestResult testName="{name}" outcome="{outcome}">{inner}</UnitTestResult>""";

    [Fact]
    public void Counts_every_top_level_result_by_outcome_and_places_a_failure_at_its_first_source_line()
    {
        var failure = """
            <Output><ErrorInfo><Message>Assert.Equal() Failure
            Expected: 1
            Actual:   2</Message><StackTrace>   at T.Bad() in /src/T/A.cs:line 12
               at T.Other() in /src/T/B.cs:line 3</StackTrace></ErrorInfo></Output>
            """;
        // A data-driven test's inner results belong to it: counted once, by the parent's outcome.
        var dataDriven = Result("T.Rows", "Passed", "<InnerResults>" + Result("T.Rows (1)", "Passed") + Result("T.Rows (2)", "Passed") + "</InnerResults>");
        var path = Trx(Result("T.Ok", "Passed") + Result("T.Bad", "Failed", failure) + Result("T.Later", "NotExecuted")
            + Result("T.Slow", "Timeout") + Result("T.Maybe", "Inconclusive") + dataDriven);

        var (counts, failures) = TrxResults.Parse(path);

        Assert.Equal((6, 2, 2, 1), (counts.Total, counts.Passed, counts.Failed, counts.Skipped));
        Assert.Equal(2, failures.Count);
        Assert.Equal("T.Bad: Assert.Equal() Failure Expected: 1 Actual:   2", failures[0].Message);
        Assert.Equal(("/src/T/A.cs", 12, "VSTest"), (failures[0].File, failures[0].Line, failures[0].Target));
        Assert.Equal("T.Slow: timeout", failures[1].Message);
        Assert.Null(failures[1].File);
    }

    [Fact]
    public void Records_at_most_twenty_failures_and_says_how_many_more_there_were()
    {
        var path = Trx(string.Concat(Enumerable.Range(0, 25).Select(i => Result($"T.F{i}", "Failed"))));
        var (counts, failures) = TrxResults.Parse(path);
        Assert.Equal(25, counts.Failed);
        Assert.Equal(TrxResults.MaxFailures + 1, failures.Count);
        Assert.Equal("and 5 more failed tests (all of them are in the results file)", failures[^1].Message);
    }

    [Fact]
    public void A_folder_gives_its_newest_results_file_written_since_the_tests_started()
    {
        var old = Trx(Result("T.Old", "Passed"), "old.trx");
        File.SetLastWriteTimeUtc(old, DateTime.UtcNow.AddHours(-1));
        Assert.Null(TrxResults.Read(_dir + Path.DirectorySeparatorChar, DateTimeOffset.UtcNow.AddMinutes(-1)));

        Trx(Result("T.New", "Failed") + Result("T.Ok", "Passed"), "new.trx");
        var read = TrxResults.Read(_dir + Path.DirectorySeparatorChar, DateTimeOffset.UtcNow.AddMinutes(-1));
        Assert.NotNull(read);
        Assert.Equal((2, 1), (read.Value.Counts.Total, read.Value.Counts.Failed));
        Assert.Equal(Path.Combine(_dir, "new.trx"), read.Value.Counts.Source);
    }

    [Fact]
    public void In_a_shared_folder_the_newest_file_that_names_the_test_assembly_wins()
    {
        // Two target frameworks of one test project write their TRX files to the same folder at once.
        var ours = Trx(Result("T.A", "Passed") + """<TestMethod codeBase="/src/T/bin/net10.0/T.dll" />""", "ours.trx");
        File.SetLastWriteTimeUtc(ours, DateTime.UtcNow.AddSeconds(-5));
        Trx(Result("T.A", "Failed") + Result("T.B", "Failed") + """<TestMethod codeBase="/src/T/bin/net9.0/T.dll" />""", "theirs.trx");
        var folder = _dir + Path.DirectorySeparatorChar;
        var since = DateTimeOffset.UtcNow.AddMinutes(-1);

        Assert.Equal(ours, TrxResults.Read(folder, since, "/src/T/bin/net10.0/T.dll")!.Value.Counts.Source);
        Assert.Equal(Path.Combine(_dir, "theirs.trx"), TrxResults.Read(folder, since, "/src/T/bin/net9.0/T.dll")!.Value.Counts.Source);
        Assert.Equal(Path.Combine(_dir, "theirs.trx"), TrxResults.Read(folder, since, "/elsewhere/T.dll")!.Value.Counts.Source); // none names it: the newest
    }

    [Fact]
    public void A_missing_damaged_or_hostile_file_gives_no_results_instead_of_an_exception()
    {
        Assert.Null(TrxResults.Read(Path.Combine(_dir, "none.trx"), DateTimeOffset.UtcNow.AddMinutes(-1)));
        Assert.Null(TrxResults.Read(null, DateTimeOffset.UtcNow));

        var torn = Path.Combine(_dir, "torn.trx");
        File.WriteAllText(torn, """<TestRun><Results><UnitTestResult testName="a" outcome="Passed" /><UnitTes""");
        Assert.Null(TrxResults.Read(torn, DateTimeOffset.UtcNow.AddMinutes(-1)));

        var entity = Path.Combine(_dir, "dtd.trx");
        File.WriteAllText(entity, """<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><TestRun><Results>&x;</Results></TestRun>""");
        Assert.Null(TrxResults.Read(entity, DateTimeOffset.UtcNow.AddMinutes(-1)));
    }
}
