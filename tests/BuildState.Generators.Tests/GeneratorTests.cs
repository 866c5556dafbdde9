using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace BuildState.Generators.Tests;

public class GeneratorTests
{
    private const string Chains = """
using System;
using System.Collections.Generic;
using Contoso.Build;

public static class Demo
{
    public static string Chain()
    {
        Release.Published done = Release.Start().ToBuilt().ToSigned().ToPublished();
        Release.Draft again = Release.Start().ToFailed().ToDraft();
        return done.Phase + "|" + again + "|" + ReleaseTransitions.Initial + "|" + ReleaseTransitions.Error;
    }

    public static string Queries()
    {
        return ReleaseTransitions.CanTransition(ReleasePhase.Draft, ReleasePhase.Built) + "|" +
               ReleaseTransitions.CanTransition(ReleasePhase.Draft, ReleasePhase.Published) + "|" +
               string.Join(",", ReleaseTransitions.AllowedFrom(ReleasePhase.Signed)) + "|" +
               ReleaseTransitions.IsTerminal(ReleasePhase.Published) + "|" +
               ReleaseTransitions.IsTerminal(ReleasePhase.Draft) + "|" +
               string.Join(",", ReleaseTransitions.Phases) + "|" +
               ReleaseTransitions.Table[ReleasePhase.Failed][0] + "|" +
               ReleaseTransitions.Terminal.Count;
    }

    public static string Illegal()
    {
        ReleasePhase from = ReleasePhase.Draft, to = ReleasePhase.Published;
        try { ReleaseTransitions.EnsureCanTransition(from, to); return "no"; }
        catch (InvalidOperationException ex) { return ex.GetType().Name + ": " + ex.Message; }
    }

    public static string Rehydrate()
    {
        Release.State s = Release.FromPhaseName("Signed");
        string typed = s is Release.Signed ? "Signed-typed" : "wrong";
        string dynamicMove = s.TransitionTo(ReleasePhase.Published).ToString();
        string unknown;
        try { Release.FromPhaseName("Shipped"); unknown = "no"; }
        catch (ArgumentException ex) { unknown = ex.Message; }
        Release.State t;
        return typed + "|" + dynamicMove + "|" + Release.FromPhase(ReleasePhase.Failed).Phase + "|" + Release.TryFromPhaseName("Nope", out t) + "|" + unknown;
    }
}
""";

    private static string Invoke(Assembly assembly, string type, string method) =>
        (string)assembly.GetType(type)!.GetMethod(method)!.Invoke(null, null)!;

    [Fact]
    public void FileTableGeneratesWorkingApi()
    {
        var result = TestHelper.RunTable(TestHelper.ReleaseTable, sources: Chains);
        Assert.Empty(result.GeneratorDiagnostics);
        TestHelper.AssertNoErrors(result.CompileDiagnostics);
        var assembly = TestHelper.Load(result.Output, out var alc);
        try
        {
            Assert.Equal("Published|Draft|Draft|Failed", Invoke(assembly, "Demo", "Chain"));
            Assert.Equal("True|False|Published,Failed|True|False|Draft,Built,Signed,Failed,Published|Draft|1", Invoke(assembly, "Demo", "Queries"));
            Assert.Equal(
                "InvalidTransitionException: Transition table 'Release' does not allow Draft -> Published. Legal targets of Draft: Built, Failed.",
                Invoke(assembly, "Demo", "Illegal"));
            var rehydrate = Invoke(assembly, "Demo", "Rehydrate");
            Assert.StartsWith("Signed-typed|Published|Failed|False|'Shipped' is not a phase of the Release lifecycle (phases: Draft, Built, Signed, Failed, Published).", rehydrate);
        }
        finally
        {
            alc.Unload();
        }
    }

    [Fact]
    public void EnumFormGeneratesTheSameApi()
    {
        var result = TestHelper.Run(new[] { TestHelper.ReleaseEnum, Chains });
        Assert.Empty(result.GeneratorDiagnostics);
        TestHelper.AssertNoErrors(result.CompileDiagnostics);
        Assert.DoesNotContain("public enum ReleasePhase", result.GeneratedSource("Contoso.Build.Release.BuildState.g.cs"));
        var assembly = TestHelper.Load(result.Output, out var alc);
        try
        {
            Assert.Equal("Published|Draft|Draft|Failed", Invoke(assembly, "Demo", "Chain"));
            Assert.Equal("True|False|Published,Failed|True|False|Draft,Built,Signed,Published,Failed|Draft|1", Invoke(assembly, "Demo", "Queries"));
        }
        finally
        {
            alc.Unload();
        }
    }

    [Theory]
    [InlineData("Release.Start().ToPublished();", "ToPublished")]
    [InlineData("Release.Start().ToBuilt().ToPublished();", "ToPublished")]
    [InlineData("Release.Start().ToBuilt().ToSigned().ToPublished().ToDraft();", "ToDraft")]
    public void IllegalChainsDoNotCompile(string statement, string member)
    {
        var source = "using Contoso.Build; public static class Bad { public static void M() { " + statement + " } }";
        foreach (var result in new[] { TestHelper.RunTable(TestHelper.ReleaseTable, sources: source), TestHelper.Run(new[] { TestHelper.ReleaseEnum, source }) })
        {
            var error = Assert.Single(result.CompileDiagnostics);
            Assert.Equal("CS1061", error.Id);
            Assert.Contains(member, error.GetMessage());
        }
    }

    [Theory]
    [InlineData(false, false, LanguageVersion.Latest)]
    [InlineData(true, false, LanguageVersion.Latest)]
    [InlineData(false, true, LanguageVersion.Latest)]
    [InlineData(true, true, LanguageVersion.Latest)]
    [InlineData(true, true, LanguageVersion.CSharp7_3)]
    [InlineData(false, false, LanguageVersion.CSharp7_3)]
    public void CompilesWithAndWithoutCoreAndSystemTextJson(bool core, bool stj, LanguageVersion version)
    {
        var sources = version == LanguageVersion.CSharp7_3 ? Array.Empty<string>() : new[] { Chains };
        var result = TestHelper.Run(sources, new[] { ("release.buildstate.json", TestHelper.ReleaseTable) }, stj, core, version);
        if (version == LanguageVersion.CSharp7_3 && core)
        {
            // Core's own interface file uses newer syntax; only the generated file must be 7.3-clean.
            Assert.DoesNotContain(result.CompileDiagnostics, d => d.Location.SourceTree?.FilePath.EndsWith(".g.cs", StringComparison.Ordinal) == true);
        }
        else
        {
            TestHelper.AssertNoErrors(result.CompileDiagnostics);
        }

        var source = result.GeneratedSource("Contoso.Build.Release.BuildState.g.cs");
        Assert.Equal(core, source.Contains("ILifecycleDefinition Definition", StringComparison.Ordinal));
        Assert.Equal(stj, source.Contains("IJsonTypeInfoResolver JsonResolver", StringComparison.Ordinal));
    }

    [Fact]
    public void DefinitionAndJsonMetadataWork()
    {
        const string Use = """
#nullable disable
using System.Text.Json;
using Contoso.Build;
public static class UseIt
{
    public static string Run()
    {
        var d = ReleaseTransitions.Definition;
        var options = new JsonSerializerOptions { TypeInfoResolver = ReleaseTransitions.JsonResolver };
        string json = JsonSerializer.Serialize(ReleasePhase.Signed, options);
        ReleasePhase back = JsonSerializer.Deserialize<ReleasePhase>("\"Failed\"", options);
        string state = JsonSerializer.Serialize<Release.State>(Release.Start().ToBuilt(), options);
        Release.State restored = JsonSerializer.Deserialize<Release.State>("\"Published\"", options);
        var map = new System.Collections.Generic.Dictionary<ReleasePhase, int> { [ReleasePhase.Built] = 2 };
        string mapJson = JsonSerializer.Serialize(map, new JsonSerializerOptions { Converters = { new ReleaseTransitions.PhaseJsonConverter() } });
        var mapBack = JsonSerializer.Deserialize<System.Collections.Generic.Dictionary<ReleasePhase, int>>(mapJson, new JsonSerializerOptions { Converters = { new ReleaseTransitions.PhaseJsonConverter() } });
        string bad;
        try { JsonSerializer.Deserialize<ReleasePhase>("\"Nope\"", options); bad = "no"; } catch (JsonException) { bad = "JsonException"; }
        return d.Name + "|" + string.Join(",", d.Phases) + "|" + d.Initial + "|" + string.Join(",", d.Terminal) + "|" + d.Error + "|" +
            d.CanTransition("Draft", "Built") + d.CanTransition("Draft", "Published") + d.CanTransition("x", "Built") + "|" +
            string.Join(",", d.AllowedFrom("Built")) + "|" + d.AllowedFrom("nope").Count + "|" +
            json + "|" + back + "|" + state + "|" + (restored is Release.Published) + "|" + bad + "|" + mapJson + mapBack[ReleasePhase.Built];
    }
}
""";
        var result = TestHelper.Run(new[] { Use }, new[] { ("release.buildstate.json", TestHelper.ReleaseTable) }, withSystemTextJson: true, withCore: true);
        TestHelper.AssertNoErrors(result.CompileDiagnostics);
        var assembly = TestHelper.Load(result.Output, out var alc);
        try
        {
            Assert.Equal(
                "Release|Draft,Built,Signed,Failed,Published|Draft|Published|Failed|TrueFalseFalse|Signed,Failed|0|\"Signed\"|Failed|\"Built\"|True|JsonException|{\"Built\":2}2",
                Invoke(assembly, "UseIt", "Run"));
        }
        finally
        {
            alc.Unload();
        }
    }

    [Fact]
    public void KeywordStatesAreEscaped()
    {
        const string Table = """
{ "name": "event", "namespace": "My.namespace.Flow", "initial": "class", "terminal": ["return"],
  "transitions": { "class": ["int", "return"], "int": ["return"] } }
""";
        const string Use = "public static class K { public static string M() { return My.@namespace.Flow.@event.Start().Toint().Toreturn().Phase.ToString() + My.@namespace.Flow.eventTransitions.GetName(My.@namespace.Flow.eventPhase.@class); } }";
        var result = TestHelper.RunTable(Table, "k.buildstate.json", sources: Use);
        TestHelper.AssertNoErrors(result.CompileDiagnostics);
        var assembly = TestHelper.Load(result.Output, out var alc);
        try
        {
            Assert.Equal("returnclass", Invoke(assembly, "K", "M"));
        }
        finally
        {
            alc.Unload();
        }
    }

    [Fact]
    public void DefaultLifecycleGeneratesDefaultTypes()
    {
        var path = Path.Combine(TestHelper.RepoRoot, "src", "BuildState.Core", "Lifecycle", "Default.buildstate.json");
        const string Use = "public static class D { public static bool M() { return BuildState.Lifecycle.Default.Start().ToSetup().ToBuild().ToCleanup().ToComplete().Phase == BuildState.Lifecycle.DefaultTransitions.Terminal[0] && BuildState.Lifecycle.DefaultTransitions.Definition.Name == \"Default\"; } }";
        var tables = new[] { ("Default.buildstate.json", File.ReadAllText(path)) };
        var result = TestHelper.Run(new[] { Use }, tables, withCore: true, assemblyName: "BuildState.Core");
        Assert.Empty(result.GeneratorDiagnostics);
        TestHelper.AssertNoErrors(result.CompileDiagnostics);
        Assert.Contains("BuildState.Lifecycle.Default.BuildState.g.cs", result.HintNames);
    }

    [Fact]
    public void ATableNamedDefaultOutsideBuildStateCoreIsBst0012()
    {
        // The SDK's tasks and store know the built-in lifecycle by that name and took such a table for it.
        var table = TestHelper.ReleaseTable.Replace("\"Release\"", "\"Default\"");
        const string Enum = "namespace N { [BuildState.BuildStateMachine(Initial = DefaultPhase.A)] public enum DefaultPhase { [BuildState.To(DefaultPhase.B)] A, [BuildState.Terminal] B } }";
        var tables = new[] { ("d.buildstate.json", table) };
        var result = TestHelper.Run(new[] { Enum }, tables, withCore: true);
        Assert.Equal(new[] { "Source0.cs(1,84): BST0012", "d.buildstate.json(2,11): BST0012" }, TestHelper.Analyze(result, tables).Select(TestHelper.Format));
        Assert.Empty(result.TableHintNames);
        TestHelper.AssertNoErrors(result.CompileDiagnostics);
    }

    [Fact]
    public void BadTableGeneratesNothingAndDoesNotThrow()
    {
        var result = TestHelper.RunTable(TestHelper.ReleaseTable.Replace("\"Draft\"]", "\"Drafty\"]"));
        Assert.Equal(new[] { "release.buildstate.json(11,16): BST0002" }, result.GeneratorDiagnostics.Select(TestHelper.Format));
        Assert.All(result.Run.Results, r => Assert.Null(r.Exception));
        Assert.Empty(result.TableHintNames);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void TableErrorsAreReportedOnceWhenCodeUsingTheTableDoesNotCompile(bool fileForm)
    {
        // Code using a broken table's types does not compile; the compiler then drops analyzer
        // diagnostics, which hid the table error that caused it. The generator reports it itself.
        const string Use = "public static class U { public static Contoso.Build.Release.State M() { return Contoso.Build.Release.Start(); } }";
        var table = TestHelper.ReleaseTable.Replace("\"Draft\"]", "\"Drafty\"]");
        var enumSource = TestHelper.ReleaseEnum.Replace("[To(ReleasePhase.Draft)] Failed", "Failed");
        var tables = fileForm ? new[] { ("release.buildstate.json", table) } : Array.Empty<(string, string)>();
        var result = fileForm ? TestHelper.Run(new[] { Use }, tables) : TestHelper.Run(new[] { Use, enumSource });

        var build = TestHelper.BuildDiagnostics(result, tables).Select(TestHelper.Format).ToArray();
        Assert.True(build.Any(d => d.Contains(": CS0", StringComparison.Ordinal)), string.Join("\n", build)); // CS0103 or CS0234: Contoso.Build is not generated
        var expected = fileForm ? "release.buildstate.json(11,16): BST0002" : "Source1.cs(12,9): BST0006";
        Assert.Equal(new[] { expected }, build.Where(d => d.Contains(": BST", StringComparison.Ordinal)));

        // Without the broken code too, each table diagnostic comes once (not also from an analyzer).
        var alone = fileForm ? TestHelper.Run(Array.Empty<string>(), tables) : TestHelper.Run(new[] { enumSource });
        Assert.Equal(new[] { expected.Replace("Source1.cs", "Source0.cs") }, TestHelper.BuildDiagnostics(alone, tables).Select(TestHelper.Format));
    }

    [Fact]
    public void DuplicateTablesGenerateNothing()
    {
        var result = TestHelper.Run(
            new[] { TestHelper.ReleaseEnum },
            new[] { ("a.buildstate.json", TestHelper.ReleaseTable), ("b.buildstate.json", TestHelper.ReleaseTable.Replace("\"Contoso.Build\"", "\"Other\"")) });
        TestHelper.AssertNoErrors(result.CompileDiagnostics);
        Assert.Equal(new[] { "Other.Release.BuildState.g.cs" }, result.TableHintNames.OrderBy(h => h, StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("\"Release\"", "\"release\"")]             // names that differ only by case
    [InlineData("\"Contoso.Build\"", "\"contoso.build\"")] // namespaces that do
    public void TablesWhoseGeneratedFilesDifferOnlyByCaseAreBst0009AndDoNotFailTheGenerator(string find, string replace)
    {
        // Roslyn compares generated file names in any case: the second AddSource threw, the
        // generator failed (CS8785) and every table lost its code, the unrelated one too.
        var other = TestHelper.ReleaseTable.Replace(find, replace);
        var pipeline = TestHelper.ReleaseTable.Replace("\"Release\"", "\"Pipeline\"");
        var tables = new[] { ("a.buildstate.json", TestHelper.ReleaseTable), ("b.buildstate.json", other), ("p.buildstate.json", pipeline) };
        var result = TestHelper.Run(new[] { "public static class U { public static object M() { return Contoso.Build.Pipeline.Start(); } }" }, tables);
        Assert.All(result.Run.Results, r => Assert.Null(r.Exception));
        var diagnostics = TestHelper.Analyze(result, tables);
        Assert.Equal(new[] { "a.buildstate.json(2,11): BST0009", "b.buildstate.json(2,11): BST0009" }, diagnostics.Select(TestHelper.Format));
        Assert.Contains("differs only by case from the file of table '" + (replace == "\"release\"" ? "release" : "Release") + "' (b.buildstate.json)", diagnostics[0].GetMessage());
        Assert.Equal(new[] { "Contoso.Build.Pipeline.BuildState.g.cs" }, result.TableHintNames.OrderBy(h => h, StringComparer.Ordinal));
        TestHelper.AssertNoErrors(result.CompileDiagnostics);
    }

    [Fact]
    public void TablesWithoutNamespaceGoToTheGlobalNamespace()
    {
        var table = TestHelper.ReleaseTable.Replace("  \"namespace\": \"Contoso.Build\",\n", "");
        var result = TestHelper.RunTable(table, sources: "public static class G { public static object M() { return Release.Start().ToBuilt(); } }");
        TestHelper.AssertNoErrors(result.CompileDiagnostics);
    }

    [Fact]
    public void NamesThatLookLikeGeneratedMembersStillCompile()
    {
        const string Table = """
{ "name": "Release", "namespace": "Contoso.Release", "initial": "ReleasePhase", "terminal": ["Table"], "error": "CanTransition",
  "transitions": {
    "ReleasePhase": ["ReleaseTransitions", "CanTransition"],
    "ReleaseTransitions": ["Initial", "CanTransition"],
    "Initial": ["TableName", "To", "CanTransition"],
    "To": ["TableName"],
    "TableName": ["Contoso", "CanTransition"],
    "Contoso": ["s_none", "CanTransition"],
    "s_none": ["Table", "CanTransition"],
    "CanTransition": ["ReleasePhase", "Table"]
  } }
""";
        const string Use = "public static class N { public static object M() { return Contoso.Release.Release.Start().ToReleaseTransitions().ToInitial().ToTo().ToTableName().ToContoso().Tos_none().ToTable(); } }";
        var result = TestHelper.RunTable(Table, "n.buildstate.json", withCore: true, sources: Use);
        Assert.Empty(TestHelper.Analyze(result, new[] { ("n.buildstate.json", Table) }));
        TestHelper.AssertNoErrors(result.CompileDiagnostics);
    }

    [Fact]
    public void StateNamedToPlusItsTargetIsBst0012()
    {
        var table = TestHelper.ReleaseTable.Replace("\"Draft\":  [\"Built\", \"Failed\"]", "\"Draft\":  [\"Built\", \"Failed\", \"ToDraft\"],\n    \"ToDraft\": [\"Draft\"]");
        var diagnostics = TestHelper.AnalyzeTables(("r.buildstate.json", table)).Select(TestHelper.Format).ToArray();
        Assert.Equal(new[] { "r.buildstate.json(9,17): BST0012" }, diagnostics);
    }

    [Fact]
    public void HundredStateTableGeneratesAndCompiles()
    {
        var sb = new System.Text.StringBuilder("{\"name\":\"Big\",\"namespace\":\"Perf\",\"initial\":\"S0\",\"terminal\":[\"S99\"],\"error\":\"S98\",\"transitions\":{");
        for (var i = 0; i < 99; i++)
        {
            sb.Append(i == 0 ? "" : ",").Append("\"S").Append(i).Append("\":[\"S").Append(i + 1).Append(i is 97 or 98 ? "\",\"S0\"]" : "\",\"S98\",\"S0\"]");
        }

        sb.Append("}}");
        var table = sb.ToString();
        var compilation = TestHelper.CreateCompilation(Array.Empty<string>(), withCore: true);
        var files = System.Collections.Immutable.ImmutableArray.Create<AdditionalText>(new MemoryAdditionalText("big.buildstate.json", table));
        // Its speed is measured in build/Bench.Micro (GeneratorBenchmarks), not here.
        var driver = TestHelper.CreateDriver(files).RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        Assert.Empty(diagnostics);
        Assert.True(BuildState.Tables.TableParser.Parse("big", table).IsValid);
        TestHelper.AssertNoErrors(output.GetDiagnostics());
        Assert.Equal(2, driver.GetRunResult().GeneratedTrees.Length);
    }

    [Fact]
    public void NonAsciiNamesGetDistinctHintNames()
    {
        var a = TestHelper.ReleaseTable.Replace("\"Release\"", "\"Réléase\"");
        var b = TestHelper.ReleaseTable.Replace("\"Release\"", "\"Rélèase\"");
        var result = TestHelper.Run(Array.Empty<string>(), new[] { ("a.buildstate.json", a), ("b.buildstate.json", b) });
        Assert.All(result.Run.Results, r => Assert.Null(r.Exception));
        TestHelper.AssertNoErrors(result.CompileDiagnostics);
        Assert.Equal(2, result.TableHintNames.Distinct().Count());
    }

    [Fact]
    public void NonAsciiNamesAreCheckedAgainstTheMetadataLimitInUtf8Bytes()
    {
        // 'é' is two bytes in UTF-8: within the 512-character limit, these names pass it and used to
        // fail the compile with CS7013 (metadata names take at most 1,023 bytes).
        static string Name(int bytes) => new string('é', bytes / 2) + (bytes % 2 == 1 ? "a" : "");
        static string Table(string name, string state) =>
            "{ \"name\": \"" + name + "\", \"namespace\": \"N\", \"initial\": \"A\", \"terminal\": [\"" + state + "\"], \"transitions\": { \"A\": [\"" + state + "\"] } }";

        // The longest that fit: To<state> and N.<name>Transitions are 1,023 bytes.
        var longest = Table(Name(1023 - 2 - 11), Name(1023 - 2));
        Assert.True(BuildState.Tables.TableParser.Parse("t", longest).IsValid);
        var result = TestHelper.RunTable(longest, "t.buildstate.json");
        TestHelper.AssertNoErrors(result.CompileDiagnostics);
        TestHelper.Load(result.Output, out var alc); // emits: no CS7013
        alc.Unload();

        var state = BuildState.Tables.TableParser.Parse("t", Table("Flow", Name(1022)));
        var d = Assert.Single(state.Diagnostics);
        Assert.Equal(("BST0008", 1, 66), (d.Id, d.Line, d.Column)); // the state, at its terminal entry
        Assert.Contains("takes 1024 bytes in UTF-8", d.Message);
        Assert.True(d.Message.Length < 400, d.Message);

        var table = BuildState.Tables.TableParser.Parse("t", Table(Name(1023 - 2 - 10), "B"));
        d = Assert.Single(table.Diagnostics);
        Assert.Equal(("BST0008", 1, 11), (d.Id, d.Line, d.Column));
        Assert.Contains("takes 1024 bytes in UTF-8", d.Message);
    }

    [Theory]
    [InlineData("BuildState")]
    [InlineData("System")]
    public void TableInTheGlobalNamespaceNamedLikeANamespaceOfTheGeneratedCodeIsBst0012(string name)
    {
        // Its type would hide the namespace the generated code names (CS0101/CS0437 before): nothing
        // is generated, the table gets BST0012 at its name, and the rest of the project compiles.
        var table = "{\n  \"name\": \"" + name + "\",\n  \"initial\": \"A\", \"terminal\": [\"B\"], \"transitions\": { \"A\": [\"B\"] } }";
        var result = TestHelper.RunTable(table, "t.buildstate.json", withCore: true, sources: "public static class U { }");
        var diagnostics = TestHelper.Analyze(result, new[] { ("t.buildstate.json", table) });
        Assert.Equal(new[] { "t.buildstate.json(2,11): BST0012" }, diagnostics.Select(TestHelper.Format));
        Assert.Contains("give the table a namespace", diagnostics[0].GetMessage());
        TestHelper.AssertNoErrors(result.CompileDiagnostics);
    }

    [Theory]
    [InlineData("BuildState", "InvalidTransitionException")]
    [InlineData("BuildState", "Lifecycle")]                 // the namespace of BuildState.Core's ILifecycleDefinition
    [InlineData("BuildState", "ToAttribute")]
    [InlineData("BuildState", "BuildStateMachineAttribute")]
    [InlineData("BuildState.Lifecycle", "ILifecycleDefinition")]
    public void TableNamedLikeATypeTheGeneratedCodeUsesInItsNamespaceIsBst0012(string ns, string name)
    {
        // The generated types clashed with the generator's own (CS0101, CS0260...): nothing compiled.
        var table = "{\n  \"name\": \"" + name + "\",\n  \"namespace\": \"" + ns + "\", \"initial\": \"A\", \"terminal\": [\"B\"], \"transitions\": { \"A\": [\"B\"] } }";
        var result = TestHelper.RunTable(table, "t.buildstate.json", withCore: true, sources: "public static class U { }");
        var diagnostics = TestHelper.Analyze(result, new[] { ("t.buildstate.json", table) });
        Assert.Equal(new[] { "t.buildstate.json(2,11): BST0012" }, diagnostics.Select(TestHelper.Format));
        Assert.Contains("a name the generated code already uses there", diagnostics[0].GetMessage());
        TestHelper.AssertNoErrors(result.CompileDiagnostics);

        // Elsewhere the name is fine.
        var other = table.Replace("\"" + ns + "\"", "\"Contoso\"");
        var fine = TestHelper.RunTable(other, "t.buildstate.json", withCore: true, sources: "public static class U { }");
        Assert.Empty(TestHelper.Analyze(fine, new[] { ("t.buildstate.json", other) }));
        TestHelper.AssertNoErrors(fine.CompileDiagnostics);
    }

    [Fact]
    public void NamesOfNamespacesTheGeneratedCodeUsesCompileInANamespaceOrAsStates()
    {
        const string InNamespace = "{ \"name\": \"BuildState\", \"namespace\": \"Contoso\", \"initial\": \"A\", \"terminal\": [\"B\"], \"transitions\": { \"A\": [\"B\"] } }";
        const string States = "{ \"name\": \"Flow\", \"initial\": \"System\", \"terminal\": [\"BuildState\"], \"error\": \"Microsoft\", \"transitions\": { \"System\": [\"BuildState\", \"Microsoft\"], \"Microsoft\": [\"System\"] } }";
        var tables = new[] { ("a.buildstate.json", InNamespace), ("b.buildstate.json", States) };
        const string Use = "public static class U { public static object M() { return Flow.Start().ToBuildState(); } public static object N() { return Contoso.BuildState.Start().ToB(); } }";
        var result = TestHelper.Run(new[] { Use }, tables, withCore: true);
        Assert.Empty(TestHelper.Analyze(result, tables));
        TestHelper.AssertNoErrors(result.CompileDiagnostics);
        Assert.Equal(2, result.TableHintNames.Count());
    }

    [Fact]
    public void EnumTableInTheGlobalNamespaceNamedBuildStateIsBst0012()
    {
        const string Enum = """
using BuildState;

[BuildStateMachine(Initial = BuildStatePhase.A)]
public enum BuildStatePhase
{
    [To(BuildStatePhase.B)] A,
    [Terminal] B,
}
""";
        var result = TestHelper.Run(new[] { Enum });
        Assert.Equal(new[] { "Source0.cs(4,13): BST0012" }, TestHelper.Analyze(result).Select(TestHelper.Format));
        TestHelper.AssertNoErrors(result.CompileDiagnostics);
    }
}
