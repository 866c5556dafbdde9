using Microsoft.CodeAnalysis;

namespace BuildState.Generators.Tests;

public class AnalyzerTests
{
    private static string[] Diagnostics(string table, string path = "release.buildstate.json") =>
        TestHelper.AnalyzeTables((path, table)).Select(TestHelper.Format).ToArray();

    [Fact]
    public void ValidTableHasNoDiagnostics()
    {
        Assert.Empty(Diagnostics(TestHelper.ReleaseTable));
    }

    [Theory]
    [InlineData("\"Failed\": [\"Draft\"]", "\"Failed\": [\"Draft\", \"Drafty\"]", "release.buildstate.json(11,25): BST0002")]
    [InlineData("[\"Built\", \"Failed\"]", "[\"Built\", \"Built\"]", "release.buildstate.json(8,25): BST0003")]
    [InlineData("\"initial\": \"Draft\"", "\"initial\": \"Draught\"", "release.buildstate.json(4,14): BST0004")]
    [InlineData("\"Failed\": [\"Draft\"]", "\"Failed\": [\"Draft\"],\n    \"Orphan\": [\"Draft\"]", "release.buildstate.json(12,5): BST0005")]
    [InlineData("\"Failed\": [\"Draft\"]", "\"Failed\": []", "release.buildstate.json(11,5): BST0006")]
    [InlineData("\"Failed\": [\"Draft\"]", "\"Failed\": [\"Draft\"],\n    \"Published\": [\"Draft\"]", "release.buildstate.json(12,5): BST0007")]
    [InlineData("\"Release\"", "\"Re lease\"", "release.buildstate.json(2,11): BST0008")]
    [InlineData("\"terminal\": [\"Published\"]", "\"terminal\": \"Published\", \"terminal\": []", "release.buildstate.json(5,28): BST0011")]
    [InlineData("Built", "Start", "release.buildstate.json(9,5): BST0012")]
    public void EachRuleFiresOnceAtItsPosition(string find, string replace, string expected)
    {
        var table = TestHelper.ReleaseTable.Replace(find, replace);
        Assert.NotEqual(TestHelper.ReleaseTable, table);
        Assert.Equal(new[] { expected }, Diagnostics(table));
    }

    [Fact]
    public void MalformedJsonIsBst0001()
    {
        Assert.Equal(new[] { "bad.buildstate.json(3,3): BST0001" }, Diagnostics("{\n  \"name\": \"A\"\n  \"x\": 1\n}", "bad.buildstate.json"));
    }

    [Fact]
    public void DiagnosticsCarryPathSeverityAndHelpLink()
    {
        var d = Assert.Single(TestHelper.AnalyzeTables(("dir/release.buildstate.json", TestHelper.ReleaseTable.Replace("\"Draft\"]", "\"Drafty\"]"))));
        Assert.Equal("dir/release.buildstate.json", d.Location.GetLineSpan().Path);
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Equal("https://github.com/buildstatesdk/buildstatesdk/blob/main/docs/diagnostics.md#bst0002", d.Descriptor.HelpLinkUri);
        Assert.Contains("unknown state 'Drafty'", d.GetMessage());
        Assert.Equal(LocationKind.ExternalFile, d.Location.Kind);
    }

    [Fact]
    public void UnknownPropertyIsAWarning()
    {
        var d = Assert.Single(TestHelper.AnalyzeTables(("r.buildstate.json", TestHelper.ReleaseTable.Replace("\"error\"", "\"colour\": 1, \"error\""))));
        Assert.Equal(("BST0011", DiagnosticSeverity.Warning), (d.Id, d.Severity));
    }

    [Fact]
    public void OtherAdditionalFilesAreIgnored()
    {
        Assert.Empty(TestHelper.AnalyzeTables(("notes.json", "{ not json")));
    }

    [Fact]
    public void DuplicateTablesAreBst0009AtEachTable()
    {
        var tables = new[] { ("a.buildstate.json", TestHelper.ReleaseTable), ("b.buildstate.json", TestHelper.ReleaseTable) };
        var result = TestHelper.Run(new[] { TestHelper.ReleaseEnum }, tables);
        var diagnostics = TestHelper.Analyze(result, tables).Select(TestHelper.Format).ToArray();
        Assert.Equal(new[] { "Source0.cs(6,17): BST0009", "a.buildstate.json(2,11): BST0009", "b.buildstate.json(2,11): BST0009" }, diagnostics);
    }

    [Fact]
    public void EnumFormRulesPointAtTheEnum()
    {
        const string Source = """
using BuildState;
namespace N
{
    [BuildStateMachine(Initial = FlowPhase.A)]
    public enum FlowPhase
    {
        [To(FlowPhase.B, FlowPhase.B)] A,
        [To(FlowPhase.A)] B,
        [Terminal, To(FlowPhase.A)] Done,
        Lost,
        State,
    }
}
""";
        var result = TestHelper.Run(new[] { Source });
        var diagnostics = TestHelper.Analyze(result).Select(TestHelper.Format).ToArray();
        Assert.Equal(
            new[]
            {
                "Source0.cs(7,26): BST0003", // duplicate B
                "Source0.cs(9,37): BST0007", // terminal with To
                "Source0.cs(9,37): BST0005", // Done unreachable
                "Source0.cs(10,9): BST0006", // Lost: dead end
                "Source0.cs(10,9): BST0005",
                "Source0.cs(11,9): BST0012", // State: reserved
                "Source0.cs(11,9): BST0006",
                "Source0.cs(11,9): BST0005",
            }.OrderBy(x => x, StringComparer.Ordinal),
            diagnostics.OrderBy(x => x, StringComparer.Ordinal));
        Assert.Empty(result.TableHintNames);
    }

    [Fact]
    public void EnumWithoutInitialIsBst0004()
    {
        const string Source = "using BuildState; [BuildStateMachine] public enum XPhase { [To(XPhase.B)] A, [Terminal] B }";
        var diagnostics = TestHelper.Analyze(TestHelper.Run(new[] { Source })).Select(TestHelper.Format).ToArray();
        Assert.Equal(new[] { "Source0.cs(1,51): BST0004" }, diagnostics);
    }

    [Fact]
    public void EnumTargetOfAnotherTypeIsBst0002()
    {
        const string Source = "using BuildState; public enum Other { Z } [BuildStateMachine(Initial = XPhase.A)] public enum XPhase { [To(XPhase.B, Other.Z)] A, [Terminal] B }";
        var diagnostics = TestHelper.Analyze(TestHelper.Run(new[] { Source })).Select(TestHelper.Format).ToArray();
        Assert.Equal(new[] { "Source0.cs(1,118): BST0002" }, diagnostics);
    }

    private const string Calls = """
using BuildState;
using Contoso.Build;

public static class Calls
{
    public static void Store([TransitionFrom] ReleasePhase from, [TransitionTo] ReleasePhase to) { }

    public static void ByName([TransitionFrom(typeof(ReleasePhase))] string from, [TransitionTo(typeof(ReleasePhase))] string to) { }

    public static void M(ReleasePhase runtime)
    {
        ReleaseTransitions.EnsureCanTransition(ReleasePhase.Draft, ReleasePhase.Built);
        ReleaseTransitions.EnsureCanTransition(ReleasePhase.Draft, ReleasePhase.Published);
        ReleaseTransitions.Transition(ReleasePhase.Published, ReleasePhase.Draft);
        ReleaseTransitions.EnsureCanTransition(runtime, ReleasePhase.Published);
        ReleaseTransitions.CanTransition(ReleasePhase.Draft, ReleasePhase.Published);
        Store(to: ReleasePhase.Signed, from: ReleasePhase.Draft);
        Store(ReleasePhase.Failed, ReleasePhase.Draft);
        ByName("Built", "Published");
        ByName("Built", "Signed");
        ByName("Built", "Shipped");
    }
}
""";

    /// <summary>The analyzer's diagnostics for <paramref name="calls"/> compiled with the Release table, as a table file or as an annotated enum (the calls then in Source1.cs).</summary>
    private static Diagnostic[] AnalyzeCallsOnRelease(string calls, bool fileForm)
    {
        var result = fileForm
            ? TestHelper.RunTable(TestHelper.ReleaseTable, sources: calls)
            : TestHelper.Run(new[] { TestHelper.ReleaseEnum, calls });
        TestHelper.AssertNoErrors(result.CompileDiagnostics);
        return TestHelper.Analyze(result, fileForm ? new[] { ("release.buildstate.json", TestHelper.ReleaseTable) } : null).ToArray();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ConstantIllegalTransitionsAreBst0010(bool fileForm)
    {
        var diagnostics = AnalyzeCallsOnRelease(Calls, fileForm);
        var formatted = diagnostics.Select(d => TestHelper.Format(d).Replace("Source1.cs", "Source0.cs")).ToArray();
        Assert.Equal(
            new[]
            {
                "Source0.cs(13,9): BST0010",
                "Source0.cs(14,9): BST0010",
                "Source0.cs(17,9): BST0010",
                "Source0.cs(19,9): BST0010",
                "Source0.cs(21,25): BST0002",
            },
            formatted);
        Assert.Contains("Legal targets of Draft: Built, Failed.", diagnostics[0].GetMessage());
        Assert.Contains("Published has no legal targets.", diagnostics[1].GetMessage());
    }

    private const string TypedStateCalls = """
using Contoso.Build;

public static class TypedStateCalls
{
    public static void M(Release.State anyState, ReleasePhase runtime)
    {
        Release.Start().TransitionTo(ReleasePhase.Built);
        Release.Start().TransitionTo(ReleasePhase.Published);
        Release.Start().ToBuilt().TransitionTo(ReleasePhase.Draft);
        anyState.TransitionTo(ReleasePhase.Published);
        Release.Start().TransitionTo(runtime);
        Release.Draft draft = Release.Start();
        draft.TransitionTo(target: ReleasePhase.Failed);
        Release.FromPhase(ReleasePhase.Published).TransitionTo(ReleasePhase.Draft);
        Release.Start().ToBuilt().ToSigned().ToPublished().TransitionTo(ReleasePhase.Failed);
    }
}
""";

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ConstantIllegalTransitionOfATypedStateIsBst0010(bool fileForm)
    {
        // TransitionTo(target) leaves the receiver's state: checked when its static type is a typed
        // state; a receiver typed as the abstract State (anyState, FromPhase) is known only at run time.
        var diagnostics = AnalyzeCallsOnRelease(TypedStateCalls, fileForm);
        Assert.Equal(
            new[] { "Source0.cs(8,9): BST0010", "Source0.cs(9,9): BST0010", "Source0.cs(15,9): BST0010" },
            diagnostics.Select(d => TestHelper.Format(d).Replace("Source1.cs", "Source0.cs")));
        Assert.Equal("Transition table 'Release' does not allow Draft -> Published. Legal targets of Draft: Built, Failed.", diagnostics[0].GetMessage());
        Assert.Equal("Transition table 'Release' does not allow Built -> Draft. Legal targets of Built: Signed, Failed.", diagnostics[1].GetMessage());
        Assert.Contains("Published has no legal targets.", diagnostics[2].GetMessage());
    }

    [Fact]
    public void CallsOnBuildStateCoresDefaultLifecycleAreStillChecked()
    {
        // Core's generated DefaultPhase names its table "Default", a name reserved for it: read
        // from Core's assembly, it is the built-in table, not an error that turns the check off.
        const string Source = "using BuildState.Lifecycle; public static class C { public static void M() { DefaultTransitions.EnsureCanTransition(DefaultPhase.Init, DefaultPhase.Complete); } }\n" +
            "public static class D { public static void M() { Default.Start().TransitionTo(DefaultPhase.Complete); } }"; // a typed state read from Core's assembly
        var compilation = TestHelper.CreateCompilation(new[] { Source }).AddReferences(TestHelper.CoreReference);
        var result = TestHelper.CreateDriver(System.Collections.Immutable.ImmutableArray<AdditionalText>.Empty).RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
        var run = new RunResult { Output = (Microsoft.CodeAnalysis.CSharp.CSharpCompilation)output, GeneratorDiagnostics = generatorDiagnostics, Run = result.GetRunResult(), Driver = result };
        TestHelper.AssertNoErrors(run.CompileDiagnostics);
        Assert.Equal(new[] { "Source0.cs(1,78): BST0010", "Source0.cs(2,50): BST0010" }, TestHelper.Analyze(run).Select(TestHelper.Format));
    }

    [Fact]
    public void PrivateNestedEnumIsBst0011AndGeneratesNothing()
    {
        const string Source = "using BuildState; public class Outer { [BuildStateMachine(Initial = XPhase.A)] private enum XPhase { [To(XPhase.B)] A, [Terminal] B } }";
        var result = TestHelper.Run(new[] { Source });
        TestHelper.AssertNoErrors(result.CompileDiagnostics);
        Assert.Equal(new[] { "Source0.cs(1,93): BST0011" }, TestHelper.Analyze(result).Select(TestHelper.Format).ToArray());
        Assert.Empty(result.TableHintNames);
    }

    [Theory]
    [InlineData("Self", "Self")]            // the typestate class would be the enum
    [InlineData("FlowTransitions", "Flow")] // so would FlowTransitions
    public void EnumFormNameGeneratingTheEnumsOwnNameIsBst0012(string enumName, string name)
    {
        // It generated a class with the enum's name beside it (CS0101) and no BST diagnostic.
        var source = "using BuildState; [BuildStateMachine(Initial = " + enumName + ".A, Name = \"" + name + "\")] public enum " + enumName + " { [To(" + enumName + ".B)] A, [Terminal] B }";
        var result = TestHelper.Run(new[] { source });
        var diagnostics = TestHelper.Analyze(result);
        var column = source.IndexOf("\"" + name + "\"", StringComparison.Ordinal) + 1; // at the Name argument
        Assert.Equal(new[] { "Source0.cs(1," + column + "): BST0012" }, diagnostics.Select(TestHelper.Format));
        Assert.Contains("the enum's own name", diagnostics[0].GetMessage());
        TestHelper.AssertNoErrors(result.CompileDiagnostics);
        Assert.Empty(result.TableHintNames);
    }

    [Theory]
    [InlineData("file enum XPhase", "XPhase")]
    [InlineData("file class Outer { [BuildStateMachine(Initial = XPhase.A)] internal enum XPhase", "XPhase")]
    public void FileLocalEnumIsBst0011AndGeneratesNothing(string declaration, string enumName)
    {
        // The generated types, in another file, could not see it (CS0246...) and no BST diagnostic said why.
        var nested = declaration.StartsWith("file class", StringComparison.Ordinal);
        var source = "using BuildState; " + (nested ? "" : "[BuildStateMachine(Initial = XPhase.A)] ") + declaration + " { [To(XPhase.B)] A, [Terminal] B }" + (nested ? " }" : "");
        var result = TestHelper.Run(new[] { source });
        var column = source.IndexOf("enum " + enumName, StringComparison.Ordinal) + "enum ".Length + 1;
        var diagnostics = TestHelper.Analyze(result);
        Assert.Equal(new[] { "Source0.cs(1," + column + "): BST0011" }, diagnostics.Select(TestHelper.Format));
        Assert.Contains("file-local", diagnostics[0].GetMessage());
        TestHelper.AssertNoErrors(result.CompileDiagnostics);
        Assert.Empty(result.TableHintNames);
    }

    [Fact]
    public void InternalNestedEnumGeneratesInternalTypes()
    {
        const string Source = "using BuildState; public class Outer { [BuildStateMachine(Initial = XPhase.A, Name = \"Flow\")] internal enum XPhase { [To(XPhase.B)] A, [Terminal] B } } static class Use { static object M() => Flow.Start().ToB(); }";
        var result = TestHelper.Run(new[] { Source });
        TestHelper.AssertNoErrors(result.CompileDiagnostics);
        Assert.Empty(TestHelper.Analyze(result));
        Assert.Contains("internal static partial class FlowTransitions", result.GeneratedSource("Flow.BuildState.g.cs"));
    }
}
