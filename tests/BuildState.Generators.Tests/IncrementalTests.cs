using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace BuildState.Generators.Tests;

public class IncrementalTests
{
    private static readonly string[] Steps = { "FileTables", "EnumTables", "Options", "IsCore", "HasException", "Collisions", "FileOutput", "EnumOutput", "EnumDiagnostics" };

    private static readonly string Pipeline = TestHelper.ReleaseTable.Replace("\"Release\"", "\"Pipeline\"").Replace("Contoso.Build", "Contoso.Pipelines");

    private static (GeneratorDriver Driver, CSharpCompilation Compilation, MemoryAdditionalText Release, MemoryAdditionalText Pipeline) Start()
    {
        var release = new MemoryAdditionalText("release.buildstate.json", TestHelper.ReleaseTable);
        var pipeline = new MemoryAdditionalText("pipeline.buildstate.json", Pipeline);
        var enumSource = TestHelper.ReleaseEnum.Replace("Contoso.Build", "Contoso.Enums");
        var compilation = TestHelper.CreateCompilation(new[] { enumSource, "public class Unrelated { public int X; }" });
        var driver = TestHelper.CreateDriver(ImmutableArray.Create<AdditionalText>(release, pipeline));
        driver = driver.RunGenerators(compilation);
        return (driver, compilation, release, pipeline);
    }

    private static IEnumerable<(string Step, IncrementalStepRunReason Reason)> Reasons(GeneratorDriver driver) =>
        driver.GetRunResult().Results.Single().TrackedSteps
            .Where(s => Steps.Contains(s.Key))
            .SelectMany(s => s.Value.SelectMany(run => run.Outputs.Select(o => (s.Key, o.Reason))));

    [Fact]
    public void UnrelatedCSharpEditLeavesEveryOutputCached()
    {
        var (driver, compilation, _, _) = Start();
        var tree = compilation.SyntaxTrees.Single(t => t.ToString().Contains("Unrelated", StringComparison.Ordinal));
        var edited = compilation.ReplaceSyntaxTree(tree, CSharpSyntaxTree.ParseText("public class Unrelated { public int X; public int Y; }", (CSharpParseOptions)tree.Options, tree.FilePath));
        driver = driver.RunGenerators(edited);

        var reasons = Reasons(driver).ToList();
        Assert.NotEmpty(reasons);
        Assert.DoesNotContain(reasons, r => r.Step == "EnumDiagnostics"); // tables without diagnostics never reach the compilation
        Assert.All(reasons, r => Assert.True(
            r.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, r.Step + " was " + r.Reason));
        Assert.All(
            driver.GetRunResult().Results.Single().TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(r => r.Outputs),
            o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, o.Reason.ToString()));
    }

    [Fact]
    public void TablesAreCachedAndTheirDiagnosticsStillReportedAfterAnUnrelatedEdit()
    {
        var broken = new MemoryAdditionalText("broken.buildstate.json", Pipeline.Replace("\"Failed\": [\"Draft\"]", "\"Failed\": [\"Drafty\"]"));
        var enumSource = TestHelper.ReleaseEnum.Replace("Contoso.Build", "Contoso.Enums").Replace("[To(ReleasePhase.Draft)] Failed", "Failed");
        var compilation = TestHelper.CreateCompilation(new[] { enumSource, "public class Unrelated { public int X; }" });
        var driver = TestHelper.CreateDriver(ImmutableArray.Create<AdditionalText>(broken)).RunGenerators(compilation);
        var first = driver.GetRunResult().Diagnostics.Select(TestHelper.Format).OrderBy(d => d, StringComparer.Ordinal).ToArray();
        Assert.Equal(new[] { "Source0.cs(12,9): BST0006", "broken.buildstate.json(11,16): BST0002" }, first);

        var tree = compilation.SyntaxTrees.Single(t => t.ToString().Contains("Unrelated", StringComparison.Ordinal));
        driver = driver.RunGenerators(compilation.ReplaceSyntaxTree(tree, CSharpSyntaxTree.ParseText("public class Unrelated { public int Y; }", (CSharpParseOptions)tree.Options, tree.FilePath)));
        // The tables, their code and the file table's diagnostics are cached; the enum's diagnostics
        // are reported again, at their place in the new compilation's tree (so its pragmas apply).
        var reasons = Reasons(driver).ToList();
        Assert.All(reasons.Where(r => r.Step != "EnumDiagnostics"), r => Assert.True(r.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, r.Step + " was " + r.Reason));
        Assert.Equal(new[] { IncrementalStepRunReason.Modified }, reasons.Where(r => r.Step == "EnumDiagnostics").Select(r => r.Reason));
        Assert.Equal(first, driver.GetRunResult().Diagnostics.Select(TestHelper.Format).OrderBy(d => d, StringComparer.Ordinal));
    }

    [Fact]
    public void EditingOneTableRegeneratesOnlyThatTable()
    {
        var (driver, _, release, _) = Start();
        var compilation = TestHelper.CreateCompilation(new[] { TestHelper.ReleaseEnum.Replace("Contoso.Build", "Contoso.Enums"), "public class Unrelated { public int X; }" });
        driver = driver.RunGenerators(compilation);
        var editedRelease = new MemoryAdditionalText(release.Path, TestHelper.ReleaseTable.Replace("\"Failed\": [\"Draft\"]", "\"Failed\": [\"Draft\", \"Built\"]"));
        driver = driver.ReplaceAdditionalText(release, editedRelease).RunGenerators(compilation);

        var result = driver.GetRunResult().Results.Single();
        var fileOutputs = result.TrackedSteps["FileOutput"].SelectMany(r => r.Outputs).Select(o => o.Reason).ToList();
        Assert.Equal(1, fileOutputs.Count(r => r == IncrementalStepRunReason.Modified));
        Assert.Equal(1, fileOutputs.Count(r => r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged));
        Assert.All(result.TrackedSteps["EnumOutput"].SelectMany(r => r.Outputs), o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, o.Reason.ToString()));
        Assert.All(result.TrackedSteps["Collisions"].SelectMany(r => r.Outputs), o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, o.Reason.ToString()));
        Assert.Contains("Contoso.Build.ReleasePhase.Built", result.GeneratedSources.Single(s => s.HintName == "Contoso.Build.Release.BuildState.g.cs").SourceText.ToString());
    }

    [Fact]
    public void ModelsHoldNoRoslynObjects()
    {
        // Pipeline values must be equatable data: no symbols, syntax, compilations or raw arrays.
        var (driver, _, _, _) = Start();
        var result = driver.GetRunResult().Results.Single();
        foreach (var step in result.TrackedSteps.Where(s => Steps.Contains(s.Key)))
        {
            foreach (var output in step.Value.SelectMany(r => r.Outputs))
            {
                AssertPlain(output.Value, step.Key, 0);
            }
        }
    }

    private static void AssertPlain(object? value, string step, int depth)
    {
        if (value == null || depth > 6)
        {
            return;
        }

        Assert.False(value is ISymbol or SyntaxNode or Compilation or SemanticModel, step + " carries " + value.GetType());
        if (value is string || value.GetType().IsPrimitive || value is System.Collections.IEnumerable && value.GetType().Name.StartsWith("EquatableArray", StringComparison.Ordinal) == false && value.GetType().IsArray)
        {
            Assert.False(value.GetType().IsArray, step + " carries a raw array");
            return;
        }

        if (value is System.Runtime.CompilerServices.ITuple tuple)
        {
            for (var i = 0; i < tuple.Length; i++)
            {
                AssertPlain(tuple[i], step, depth + 1);
            }

            return;
        }

        if (value is System.Collections.IEnumerable items and not string)
        {
            foreach (var item in items)
            {
                AssertPlain(item, step, depth + 1);
            }
        }

        foreach (var property in value.GetType().GetProperties().Where(p => p.GetIndexParameters().Length == 0 && p.DeclaringType?.Assembly == typeof(BuildStateGenerator).Assembly))
        {
            AssertPlain(property.GetValue(value), step, depth + 1);
        }
    }

    [Fact]
    public void EditingTheEnumRegeneratesOnlyTheEnumTable()
    {
        var (driver, compilation, _, _) = Start();
        var tree = compilation.SyntaxTrees.Single(t => t.ToString().Contains("BuildStateMachine", StringComparison.Ordinal));
        var edited = compilation.ReplaceSyntaxTree(tree, CSharpSyntaxTree.ParseText(
            tree.ToString().Replace("[To(ReleasePhase.Draft)] Failed", "[To(ReleasePhase.Draft, ReleasePhase.Built)] Failed"), (CSharpParseOptions)tree.Options, tree.FilePath));
        driver = driver.RunGenerators(edited);

        var result = driver.GetRunResult().Results.Single();
        Assert.Equal(IncrementalStepRunReason.Modified, Assert.Single(result.TrackedSteps["EnumOutput"].SelectMany(r => r.Outputs)).Reason);
        Assert.All(result.TrackedSteps["FileOutput"].SelectMany(r => r.Outputs), o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, o.Reason.ToString()));
    }
}
