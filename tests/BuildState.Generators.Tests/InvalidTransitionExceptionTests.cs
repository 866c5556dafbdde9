using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace BuildState.Generators.Tests;

/// <summary>
/// One <c>BuildState.InvalidTransitionException</c> across assemblies: BuildState.Core's public type
/// when it is referenced, another assembly's internal copy through InternalsVisibleTo, else a copy
/// of the project's own; never a second one beside a visible one (CS0436).
/// </summary>
public class InvalidTransitionExceptionTests
{
    private const string ExceptionHint = "BuildState.InvalidTransitionException.g.cs";

    private const string Library = """
namespace Lib
{
    using Contoso.Build;

    public static class LibApi
    {
        public static void Bad()
        {
            var from = ReleasePhase.Draft;
            ReleaseTransitions.EnsureCanTransition(from, ReleasePhase.Published);
        }
    }
}
""";

    private const string InternalsVisibleToApp = "[assembly: System.Runtime.CompilerServices.InternalsVisibleTo(\"App\")]\n";

    private const string App = """
public static class AppMain
{
    public static string Run()
    {
        try
        {
            Lib.LibApi.Bad();
            return "not thrown";
        }
        catch (BuildState.InvalidTransitionException ex)
        {
            return ex.Table + "|" + ex.From + "|" + ex.To + "|" + string.Join(",", ex.AllowedTargets) + "|" + ex.Message;
        }
    }
}
""";

    private const string Caught =
        "Release|Draft|Published|Built,Failed|Transition table 'Release' does not allow Draft -> Published. Legal targets of Draft: Built, Failed.";

    /// <summary>Runs the generator on a compilation named <paramref name="name"/> with these references; returns it with the generated code.</summary>
    private static (CSharpCompilation Output, ImmutableArray<string> Hints) Generate(
        string name, string[] sources, (string Path, string Text)[] tables, MetadataReference[] references, string[]? defines = null)
    {
        var compilation = TestHelper.CreateCompilation(sources, assemblyName: name, preprocessorSymbols: defines).AddReferences(references);
        var files = tables.Select(t => (AdditionalText)new MemoryAdditionalText(t.Path, t.Text)).ToImmutableArray();
        var parseOptions = new CSharpParseOptions(LanguageVersion.Latest, DocumentationMode.Diagnose, preprocessorSymbols: defines);
        var driver = TestHelper.CreateDriver(files, parseOptions).RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        Assert.Empty(diagnostics);
        var hints = driver.GetRunResult().Results.SelectMany(r => r.GeneratedSources).Select(s => s.HintName).ToImmutableArray();
        TestHelper.AssertNoErrors(output.GetDiagnostics()); // no CS0436 either
        return ((CSharpCompilation)output, hints);
    }

    private static string RunApp(params Compilation[] assemblies)
    {
        var context = new AssemblyLoadContext("exception-test-" + Guid.NewGuid(), isCollectible: true);
        try
        {
            Assembly? app = null;
            foreach (var compilation in assemblies)
            {
                using var stream = new MemoryStream();
                var emit = compilation.Emit(stream);
                Assert.True(emit.Success, string.Join(Environment.NewLine, emit.Diagnostics));
                stream.Position = 0;
                app = context.LoadFromStream(stream);
            }

            return (string)app!.GetType("AppMain")!.GetMethod("Run")!.Invoke(null, null)!;
        }
        finally
        {
            context.Unload();
        }
    }

    private static (string, string)[] ReleaseTable => new[] { ("release.buildstate.json", TestHelper.ReleaseTable) };

    [Fact]
    public void ALibrarysExceptionIsCaughtInAnotherAssemblyThroughBuildStateCoresPublicType()
    {
        var core = TestHelper.CoreReference;
        var (lib, libHints) = Generate("Lib", new[] { Library }, ReleaseTable, new[] { core });
        var (app, appHints) = Generate("App", new[] { App }, ReleaseTable.Select(t => (t.Item1, t.Item2.Replace("Contoso.Build", "Contoso.App"))).ToArray(), new[] { core, lib.ToMetadataReference() });
        Assert.DoesNotContain(ExceptionHint, libHints);
        Assert.DoesNotContain(ExceptionHint, appHints);
        Assert.Equal(Caught, RunApp(CoreCompilation(), lib, app));
    }

    [Fact]
    public void InternalsVisibleToSharesTheLibrarysCopyWithoutCoreAndWithoutCS0436()
    {
        // The library gets its own internal copy; the application sees it through InternalsVisibleTo,
        // adds none (a second one would be CS0436) and catches what the library throws. (The
        // attributes are still generated into each project: BUILDSTATE_EXCLUDE_ATTRIBUTES leaves
        // out the application's, as documented.)
        var (lib, libHints) = Generate("Lib", new[] { InternalsVisibleToApp + Library }, ReleaseTable, Array.Empty<MetadataReference>());
        Assert.Contains(ExceptionHint, libHints);
        var pipeline = TestHelper.ReleaseTable.Replace("\"Release\"", "\"Pipeline\"");
        var (app, appHints) = Generate("App", new[] { App }, new[] { ("pipeline.buildstate.json", pipeline) }, new[] { lib.ToMetadataReference() }, new[] { "BUILDSTATE_EXCLUDE_ATTRIBUTES" });
        Assert.DoesNotContain(ExceptionHint, appHints);
        Assert.Equal(Caught, RunApp(lib, app));
    }

    [Fact]
    public void WithoutCoreAProjectGetsAnInternalCopy()
    {
        var result = TestHelper.RunTable(TestHelper.ReleaseTable);
        TestHelper.AssertNoErrors(result.CompileDiagnostics);
        Assert.Contains("internal sealed class InvalidTransitionException", result.GeneratedSource(ExceptionHint));
    }

    [Fact]
    public void BuildStateCoreGetsThePublicTypeFromTheGenerator()
    {
        // Core declares no exception in source: the generator writes the public one there (the same
        // text as the internal copy but for its access), so the type is written once.
        var result = CoreRun();
        TestHelper.AssertNoErrors(result.CompileDiagnostics);
        var source = result.GeneratedSource(ExceptionHint);
        Assert.Contains("public sealed class InvalidTransitionException", source);
        Assert.Equal(TestHelper.InvalidTransitionExceptionSource, source);
        var type = result.Output.GetTypeByMetadataName("BuildState.InvalidTransitionException")!;
        Assert.Equal(Accessibility.Public, type.DeclaredAccessibility);
    }

    // BuildState.Core as it compiles: its hand-written types the generated code uses, its table, its assembly name.
    private static RunResult CoreRun()
    {
        var table = File.ReadAllText(Path.Combine(TestHelper.RepoRoot, "src", "BuildState.Core", "Lifecycle", "Default.buildstate.json"));
        return TestHelper.Run(new[] { "using System.Collections.Generic;\n" + TestHelper.LifecycleDefinitionSource }, new[] { ("Default.buildstate.json", table) }, assemblyName: "BuildState.Core");
    }

    private static Compilation CoreCompilation() => CoreRun().Output;
}
