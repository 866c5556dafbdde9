using BuildState.Cli.Tests.Infrastructure;

namespace BuildState.Cli.Tests;

/// <summary>validate and graph print a table's diagnostics in file order, warnings included and marked; warnings alone fail nothing.</summary>
public sealed class TableDiagnosticsOrderTests : IDisposable
{
    // The rules run in another order than the file's: the error state, then each state's targets;
    // the unknown property is found first, while reading, though it is last in the file.
    private const string Bad = """
{
  "name": "Release",
  "initial": "A",
  "terminal": ["C"],
  "transitions": {
    "A": ["B"],
    "B": ["C", "Nowhere"],
    "C": ["A"]
  },
  "error": "Oops",
  "colour": 1
}
""";

    private const string WarnedOnly = """
{
  "name": "Release",
  "colour": 1,
  "initial": "A",
  "terminal": ["B"],
  "transitions": { "A": ["B"] }
}
""";

    private readonly TestStore _store = new();
    private readonly string _file;

    public TableDiagnosticsOrderTests()
    {
        var dir = Path.Combine(_store.Root, "lifecycles");
        Directory.CreateDirectory(dir);
        _file = Path.Combine(dir, "Release.buildstate.json");
    }

    public void Dispose() => _store.Dispose();

    private static string[] Positions(string output) =>
        output.Split('\n').Select(l => System.Text.RegularExpressions.Regex.Match(l, @"\((\d+,\d+)\): (error|warning) (BST\d{4})"))
            .Where(m => m.Success).Select(m => m.Groups[1].Value + " " + m.Groups[2].Value + " " + m.Groups[3].Value).ToArray();

    private static readonly string[] Expected = ["7,16 error BST0002", "8,5 error BST0007", "10,12 error BST0002", "11,3 warning BST0011"];

    [Fact]
    public void Graph_prints_every_diagnostic_in_file_order_with_warnings()
    {
        File.WriteAllText(_file, Bad);

        var byFile = Bs.Run(_store.Repo, "graph", _file);
        Assert.True(byFile.Code == 4, byFile.ToString());
        Assert.Equal(Expected, Positions(byFile.Err));
        Assert.Contains("the table has 3 error(s)", byFile.Err);

        var byName = Bs.Run(_store.Repo, "graph", "Release");
        Assert.True(byName.Code == 4, byName.ToString());
        Assert.Equal(Expected, Positions(byName.Err));
    }

    [Fact]
    public void Validate_prints_every_diagnostic_in_file_order_and_counts_only_errors()
    {
        File.WriteAllText(_file, Bad);

        var result = Bs.Run(_store.Repo, "validate");
        Assert.True(result.Code == 4, result.ToString());
        Assert.Equal(Expected, Positions(result.Out));
        Assert.Contains("Warning", result.Out.Split('\n').Single(l => l.Contains("warning BST0011")));
        Assert.Contains("3 problem(s)", result.Out);
    }

    [Fact]
    public void A_table_with_only_warnings_is_valid_and_drawn_and_its_warnings_are_shown()
    {
        File.WriteAllText(_file, WarnedOnly);

        var validate = Bs.Run(_store.Repo, "validate");
        Assert.True(validate.Code == 0, validate.ToString());
        Assert.Equal(["3,3 warning BST0011"], Positions(validate.Out));
        Assert.Contains("Valid (1 warning(s))", validate.Out);

        var json = Bs.Run(_store.Repo, "validate", "--json");
        Assert.True(json.Code == 0, json.ToString());
        Assert.True(json.Json.GetProperty("valid").GetBoolean());
        Assert.Contains("warning BST0011", Assert.Single(json.Json.GetProperty("warnings").EnumerateArray()).GetProperty("message").GetString());

        foreach (var table in new[] { _file, "Release" })
        {
            var graph = Bs.Run(_store.Repo, "graph", table);
            Assert.True(graph.Code == 0, graph.ToString());
            Assert.Contains("A --> B", graph.Out);
            Assert.Equal(["3,3 warning BST0011"], Positions(graph.Err));
        }
    }
}
