using BuildState.Tables;

namespace BuildState.Generators.Tests;

public class TableParserTests
{
    private static TableParseResult Parse(string text) => TableParser.Parse("t.buildstate.json", text);

    private static string Diags(TableParseResult r) => string.Join("; ", r.Diagnostics.Select(d => d.Id + "@" + d.Line + "," + d.Column));

    [Fact]
    public void ParsesTheReleaseExample()
    {
        var result = Parse(TestHelper.ReleaseTable);
        Assert.True(result.IsValid, Diags(result));
        var table = result.Table!;
        Assert.Equal("Release", table.Name);
        Assert.Equal("Contoso.Build", table.Namespace);
        Assert.Equal("Draft", table.Initial!.Name);
        Assert.Equal("Failed", table.Error!.Name);
        Assert.Equal(new[] { "Draft", "Built", "Signed", "Failed", "Published" }, table.States.Select(s => s.Name));
        Assert.Equal(new[] { "Built", "Failed" }, table.AllowedFrom("Draft"));
        Assert.True(table.CanTransition("Signed", "Published"));
        Assert.False(table.CanTransition("Draft", "Published"));
        Assert.True(table.FindState("Published")!.IsTerminal);
        // Positions: "Draft" key on line 8, column 5; its first target on column 16.
        Assert.Equal((8, 5), (table.FindState("Draft")!.Span.Line, table.FindState("Draft")!.Span.Column));
        Assert.Equal((8, 16), (table.FindState("Draft")!.Targets[0].Span.Line, table.FindState("Draft")!.Targets[0].Span.Column));
    }

    // A chain S0 -> S1 -> ... -> S(n-1), terminal S(n-1): n states, n - 1 transitions.
    private static string Chain(int states) =>
        "{\"name\":\"Rel\",\"initial\":\"S0\",\"terminal\":[\"S" + (states - 1) + "\"],\"transitions\":{" +
        string.Join(",", Enumerable.Range(0, states - 1).Select(i => "\"S" + i + "\":[\"S" + (i + 1) + "\"]")) + "}}";

    [Fact]
    public void A_table_too_large_to_generate_code_for_is_one_BST0011_at_its_name()
    {
        Assert.True(Parse(Chain(TableValidator.MaxStates)).IsValid); // the limit itself is fine

        var result = Parse(Chain(20_000)); // within the file limits (about 420 KB); it ran the compiler out of memory

        var error = Assert.Single(result.Diagnostics);
        Assert.Equal("BST0011", error.Id);
        Assert.Contains("20000 states and 19999 transitions; at most 256 states", error.Message, StringComparison.Ordinal);
        Assert.Equal((1, 9), (error.Line, error.Column));
        Assert.False(result.IsValid);
    }

    [Fact]
    public void ParsesTheDefaultLifecycleFile()
    {
        var path = Path.Combine(TestHelper.RepoRoot, "src", "BuildState.Core", "Lifecycle", "Default.buildstate.json");
        var result = TableParser.Parse(path, File.ReadAllText(path), builtIn: true);
        Assert.True(result.IsValid, Diags(result));
        Assert.Equal(new[] { "Init", "Setup", "Build", "Test", "Cleanup", "Complete", "Error" }, result.Table!.States.Select(s => s.Name));
        Assert.Equal(new[] { "Test", "Cleanup", "Error" }, result.Table.AllowedFrom("Build"));
        Assert.Equal("BuildState.Lifecycle", result.Table.Namespace);
    }

    [Theory]
    [InlineData("", 1, 1)]
    [InlineData("{", 1, 2)]
    [InlineData("{\n  \"name\": \"A\",\n  \"initial\" \"B\"\n}", 3, 13)]
    [InlineData("{\"name\": 'x'}", 1, 10)]
    [InlineData("{\"a\": [1,]}", 1, 9)]
    [InlineData("{\"a\": \"x\n\"}", 1, 9)]
    [InlineData("{} {}", 1, 4)]
    [InlineData("{\"a\": tru}", 1, 7)]
    [InlineData("{\"a\": -}", 1, 7)]
    [InlineData("{\"a\": \"\\q\"}", 1, 8)]
    public void MalformedJsonIsBst0001AtThePosition(string text, int line, int column)
    {
        var result = Parse(text);
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal(TableRules.MalformedJson, d.Id);
        Assert.Equal((line, column), (d.Line, d.Column));
        Assert.Null(result.Table);
    }

    [Theory]
    [InlineData("{\n  \"name\": \"A\",\n  \"initial\": \"B\",\n}", 3, 17, '}')]
    [InlineData("{\n  \"transitions\": {\n    \"A\": [\"B\", ],\n    \"B\": []\n  }\n}", 3, 14, ']')]
    public void ATrailingCommaIsNamedAtTheComma(string text, int line, int column, char closing)
    {
        var d = Assert.Single(Parse(text).Diagnostics);
        Assert.Equal((TableRules.MalformedJson, line, column), (d.Id, d.Line, d.Column));
        Assert.Contains("trailing comma before '" + closing + "' (JSON allows none): remove this comma", d.Message);
    }

    [Fact]
    public void CrLfLineEndsCountOnce()
    {
        var result = Parse("{\r\n  \"name\": \"A\",\r\n  \"initial\": 3\r\n}");
        Assert.Contains(result.Diagnostics, d => d.Id == TableRules.InvalidStructure && d.Line == 3 && d.Column == 14);
    }

    [Fact]
    public void DeepNestingIsRejectedNotStackOverflow()
    {
        var text = new string('[', 100_000) + new string(']', 100_000);
        var d = Assert.Single(Parse(text).Diagnostics);
        Assert.Equal(TableRules.MalformedJson, d.Id);
        Assert.Contains("nested", d.Message);
    }

    [Fact]
    public void HugeInputIsRejected()
    {
        var d = Assert.Single(Parse(new string(' ', JsonReader.MaxLength + 1)).Diagnostics);
        Assert.Equal(TableRules.MalformedJson, d.Id);
    }

    [Fact]
    public void TheLargestTablesAllowedParseAndValidate()
    {
        // The limits' worst cases (TableValidator.MaxStates, MaxTransitions): a 256-state chain,
        // and 64 states each going to every other one (3,969 transitions) but the terminal one.
        Assert.True(Parse(Chain(TableValidator.MaxStates)).IsValid);
        var sb = new System.Text.StringBuilder("{\"name\":\"Dense\",\"initial\":\"S0\",\"terminal\":[\"S63\"],\"transitions\":{");
        for (var i = 0; i < 63; i++)
        {
            sb.Append(i == 0 ? "" : ",").Append("\"S").Append(i).Append("\":[")
                .Append(string.Join(",", Enumerable.Range(0, 64).Where(j => j != i).Select(j => "\"S" + j + "\""))).Append(']');
        }

        var result = Parse(sb.Append("}}").ToString());
        Assert.True(result.IsValid, Diags(result));
    }

    [Fact]
    public void UnknownTargetIsBst0002AtTheTarget()
    {
        var result = Parse(TestHelper.ReleaseTable.Replace("\"Signed\", \"Failed\"", "\"Signd\", \"Failed\""));
        Assert.Contains(result.Diagnostics, d => d.Id == TableRules.UnknownState && d.Line == 9 && d.Column == 16);
        Assert.False(result.IsValid);
    }

    [Fact]
    public void UnknownErrorStateIsBst0002()
    {
        var result = Parse(TestHelper.ReleaseTable.Replace("\"error\": \"Failed\"", "\"error\": \"Oops\""));
        Assert.Contains(result.Diagnostics, d => d.Id == TableRules.UnknownState && d.Line == 6 && d.Column == 12);
    }

    [Fact]
    public void DuplicateTargetAndDuplicateKeyAreBst0003()
    {
        var result = Parse(TestHelper.ReleaseTable.Replace("[\"Built\", \"Failed\"]", "[\"Built\", \"Built\"]"));
        Assert.Contains(result.Diagnostics, d => d.Id == TableRules.DuplicateTransition && d.Line == 8 && d.Column == 25);

        var dupKey = Parse(TestHelper.ReleaseTable.Replace("\"Failed\": [\"Draft\"]", "\"Failed\": [\"Draft\"],\n    \"Draft\": [\"Built\"]"));
        Assert.Contains(dupKey.Diagnostics, d => d.Id == TableRules.DuplicateTransition && d.Line == 12 && d.Column == 5);
    }

    [Fact]
    public void MissingOrUnknownInitialIsBst0004()
    {
        var missing = Parse(TestHelper.ReleaseTable.Replace("  \"initial\": \"Draft\",\n", ""));
        Assert.Contains(missing.Diagnostics, d => d.Id == TableRules.InitialState && d.Line == 1 && d.Column == 1);

        var unknown = Parse(TestHelper.ReleaseTable.Replace("\"initial\": \"Draft\"", "\"initial\": \"Draught\""));
        Assert.Contains(unknown.Diagnostics, d => d.Id == TableRules.InitialState && d.Line == 4 && d.Column == 14);
    }

    [Fact]
    public void UnreachableStateIsBst0005()
    {
        var result = Parse(TestHelper.ReleaseTable.Replace("\"Failed\": [\"Draft\"]", "\"Failed\": [\"Draft\"],\n    \"Orphan\": [\"Draft\"]"));
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal((TableRules.UnreachableState, 12, 5), (d.Id, d.Line, d.Column));
    }

    [Fact]
    public void DeadEndIsBst0006()
    {
        var result = Parse(TestHelper.ReleaseTable.Replace("\"Failed\": [\"Draft\"]", "\"Failed\": []"));
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal((TableRules.DeadEndState, 11, 5), (d.Id, d.Line, d.Column));
    }

    [Fact]
    public void TerminalWithTransitionsIsBst0007()
    {
        var result = Parse(TestHelper.ReleaseTable.Replace("\"Failed\": [\"Draft\"]", "\"Failed\": [\"Draft\"],\n    \"Published\": [\"Draft\"]"));
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal((TableRules.TerminalWithTransitions, 12, 5), (d.Id, d.Line, d.Column));
    }

    [Fact]
    public void InvalidIdentifierIsBst0008KeywordsAreNot()
    {
        var result = Parse(TestHelper.ReleaseTable.Replace("Built", "Built-It"));
        Assert.Contains(result.Diagnostics, d => d.Id == TableRules.InvalidIdentifier && d.Line == 9 && d.Column == 5);
        Assert.True(Parse(TestHelper.ReleaseTable.Replace("Built", "class")).IsValid);
        Assert.Contains(Parse(TestHelper.ReleaseTable.Replace("\"Release\"", "\"1Release\"")).Diagnostics, d => d.Id == TableRules.InvalidIdentifier && d.Line == 2);
        Assert.Contains(Parse(TestHelper.ReleaseTable.Replace("Contoso.Build", "Contoso..Build")).Diagnostics, d => d.Id == TableRules.InvalidIdentifier && d.Line == 3);
    }

    [Theory]
    [InlineData("partial")]   // a state: its To method's return type reads as a partial member (CS0751)
    [InlineData("extension")] // cannot name a type from C# 14 on (CS9306)
    [InlineData("field")]
    [InlineData("__arglist")]
    public void ContextualKeywordsThatCannotNameATypeAreBst0008AsStatesAndTables(string name)
    {
        var state = Parse(TestHelper.ReleaseTable.Replace("Built", name));
        Assert.Contains(state.Diagnostics, d => d.Id == TableRules.InvalidIdentifier && d.Line == 9 && d.Column == 5);
        var table = Parse(TestHelper.ReleaseTable.Replace("\"Release\"", "\"" + name + "\""));
        Assert.Contains(table.Diagnostics, d => d.Id == TableRules.InvalidIdentifier && d.Line == 2);
    }

    [Theory]
    [InlineData("Contoso.__arglist")] // not escaped as a keyword: the generated namespace would not parse
    [InlineData("__makeref")]
    public void UndocumentedKeywordsAreNotNamespaceParts(string ns)
    {
        var result = Parse(TestHelper.ReleaseTable.Replace("Contoso.Build", ns));
        Assert.Contains(result.Diagnostics, d => d.Id == TableRules.InvalidIdentifier && d.Line == 3);
    }

    [Fact]
    public void TheSchemaForbidsTheNamesTheValidatorForbids()
    {
        using var schema = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(TestHelper.RepoRoot, "src", "BuildState.Generators", "buildstate.schema.json")));
        static string[] Forbidden(System.Text.Json.JsonElement e) =>
            e.GetProperty("not").GetProperty("enum").EnumerateArray().Select(v => v.GetString()!).Order(StringComparer.Ordinal).ToArray();

        var root = schema.RootElement;
        Assert.Equal(
            CSharpNames.ReservedStateNames.Concat(CSharpNames.UnusableTypeNames).Order(StringComparer.Ordinal),
            Forbidden(root.GetProperty("definitions").GetProperty("stateName")));
        Assert.Equal(CSharpNames.UnusableTypeNames.Order(StringComparer.Ordinal), Forbidden(root.GetProperty("properties").GetProperty("name")));
    }

    [Fact]
    public void ShapeErrorsAreBst0011()
    {
        Assert.Contains(Parse("[]").Diagnostics, d => d.Id == TableRules.InvalidStructure);
        Assert.Contains(Parse("{\"name\":\"A\",\"initial\":\"X\",\"terminal\":[\"X\"],\"transitions\":[]}").Diagnostics, d => d.Id == TableRules.InvalidStructure && d.Column == 58);
        Assert.Contains(Parse("{\"name\":\"A\",\"initial\":\"X\",\"terminal\":[\"X\"]}").Diagnostics, d => d.Id == TableRules.InvalidStructure);
        Assert.Contains(Parse("{\"name\":\"A\",\"initial\":\"X\",\"terminal\":[\"X\"],\"transitions\":{\"X\":[1]}}").Diagnostics, d => d.Id == TableRules.InvalidStructure);
        var unknownProperty = Parse(TestHelper.ReleaseTable.Replace("\"error\"", "\"colour\": 1,\n  \"error\""));
        var warning = Assert.Single(unknownProperty.Diagnostics);
        Assert.Equal(TableSeverity.Warning, warning.Severity);
        Assert.True(unknownProperty.IsValid);
    }

    [Theory]
    [InlineData("State")]
    [InlineData("Start")]
    [InlineData("Phase")]
    [InlineData("String")]
    [InlineData("Release")]
    public void ReservedNamesAreBst0012(string name)
    {
        var result = Parse(TestHelper.ReleaseTable.Replace("Built", name));
        Assert.Contains(result.Diagnostics, d => d.Id == TableRules.NameCollision && d.Line == 9 && d.Column == 5);
    }

    [Theory]
    [InlineData("Default")]
    [InlineData("default")] // the CLI matches lifecycle names in any case
    [InlineData("DEFAULT")]
    public void TheBuiltInLifecycleNameIsBst0012ForAnyOtherTable(string name)
    {
        // The tasks (Machine="Default"), the store and the CLI took such a table for the built-in one.
        var result = Parse(TestHelper.ReleaseTable.Replace("\"Release\"", "\"" + name + "\""));
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal((TableRules.NameCollision, 2, 11), (d.Id, d.Line, d.Column));
        Assert.Contains("reserved for the SDK's built-in lifecycle 'Default'", d.Message);

        // The built-in table itself (BuildState.Core's, the CLI's embedded copy) keeps its name.
        var path = Path.Combine(TestHelper.RepoRoot, "src", "BuildState.Core", "Lifecycle", "Default.buildstate.json");
        Assert.Equal(new[] { "BST0012@3,11" }, TableParser.Parse(path, File.ReadAllText(path)).Diagnostics.Select(x => x.Id + "@" + x.Line + "," + x.Column));
        Assert.True(TableParser.Parse(path, File.ReadAllText(path), builtIn: true).IsValid);
    }

    [Fact]
    public void DiagnosticToStringIsCanonical()
    {
        var d = Parse(TestHelper.ReleaseTable.Replace("\"Signed\", \"Failed\"", "\"Signd\", \"Failed\"")).Diagnostics[0];
        Assert.Equal("t.buildstate.json(9,16): error BST0002: " + d.Message, d.ToString());
        Assert.Equal("https://github.com/buildstatesdk/buildstatesdk/blob/main/docs/diagnostics.md#bst0002", d.HelpLink);
    }

    [Fact]
    public void RendersMermaidAndDot()
    {
        var table = Parse(TestHelper.ReleaseTable).Table!;
        var mermaid = TableRenderer.ToMermaid(table);
        Assert.StartsWith("stateDiagram-v2\n    [*] --> Draft\n    Draft --> Built\n", mermaid);
        Assert.Contains("    Published --> [*]\n", mermaid);
        Assert.Contains("class Failed error", mermaid);
        var dot = TableRenderer.ToDot(table);
        Assert.StartsWith("digraph \"Release\" {", dot);
        Assert.Contains("\"Draft\" -> \"Built\";", dot);
        Assert.Contains("\"Published\" [peripheries=2];", dot);
        Assert.Contains("\"Failed\" [color=red];", dot);
    }

    [Fact]
    public void ParseFileReadsRefusesHugeAndMissingFiles()
    {
        var dir = Path.Combine(Path.GetTempPath(), "bst-parse-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var good = Path.Combine(dir, "r.buildstate.json");
            File.WriteAllText(good, TestHelper.ReleaseTable);
            Assert.True(TableFile.Parse(good).IsValid);

            var huge = Path.Combine(dir, "huge.buildstate.json");
            using (var stream = File.Create(huge))
            {
                stream.SetLength(JsonReader.MaxLength * 4L + 1);
            }

            var d = Assert.Single(TableFile.Parse(huge).Diagnostics);
            Assert.Equal((TableRules.MalformedJson, 1, 1), (d.Id, d.Line, d.Column));

            var missing = Assert.Single(TableFile.Parse(Path.Combine(dir, "missing.buildstate.json")).Diagnostics);
            Assert.Equal(TableRules.MalformedJson, missing.Id);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void PhaseNamesDifferingOnlyByCaseAreBst0003AtTheSecondName()
    {
        const string Table = """
{
  "name": "Flow",
  "initial": "review",
  "terminal": ["Done"],
  "transitions": {
    "review": ["Review", "Done"],
    "Review": ["Done"]
  }
}
""";
        var result = Parse(Table);
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal("BST0003@7,5", d.Id + "@" + d.Line + "," + d.Column);
        Assert.True(d.IsError);
        Assert.Equal("State 'Review' differs from state 'review' (line 6) only by case; phase names are matched in any case (buildstate list --phase, graph), so rename one of them.", d.Message);
        Assert.False(result.IsValid);
    }

    [Fact]
    public void ATerminalEntryDifferingOnlyByCaseFromAKeyIsBst0003AtTheEntry()
    {
        var result = Parse("{ \"name\": \"Flow\", \"initial\": \"A\", \"terminal\": [\"a\"], \"transitions\": { \"A\": [\"a\"] } }");
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal("BST0003@1,48", d.Id + "@" + d.Line + "," + d.Column);
        Assert.Contains("'a' differs from state 'A'", d.Message);
    }

    [Theory]
    [InlineData("  \"name\": \"Release\",\n", "BST0011")]
    [InlineData("  \"initial\": \"Draft\",\n", "BST0004")]
    [InlineData("  \"terminal\": [\"Published\"],\n", "BST0011")]
    public void AMissingMemberIsReportedAtTheTablesOpeningBrace(string member, string id)
    {
        // The sample table starts with "{" on line 1: every missing member points there, none at another member.
        var result = Parse(TestHelper.ReleaseTable.Replace(member, ""));
        var d = Assert.Single(result.Diagnostics, d => d.Id == id);
        Assert.Equal((1, 1), (d.Line, d.Column));
    }

    [Fact]
    public void AnEmptyTerminalArrayIsReportedAtTheArray()
    {
        var result = Parse(TestHelper.ReleaseTable.Replace("\"terminal\": [\"Published\"]", "\"terminal\": []"));
        var d = Assert.Single(result.Diagnostics, d => d.Id == TableRules.InvalidStructure);
        Assert.Equal((5, 15), (d.Line, d.Column));
        Assert.Contains("List at least one state in 'terminal'", d.Message);
    }
}
