using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using BuildState.Generators.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace BuildState.Generators.Tests;

/// <summary>An in-memory additional file.</summary>
internal sealed class MemoryAdditionalText : AdditionalText
{
    private readonly SourceText _text;

    public MemoryAdditionalText(string path, string text)
    {
        Path = path;
        _text = SourceText.From(text, System.Text.Encoding.UTF8);
    }

    public override string Path { get; }

    public override SourceText GetText(CancellationToken cancellationToken = default) => _text;
}

internal sealed class RunResult
{
    public required CSharpCompilation Output { get; init; }

    public required ImmutableArray<Diagnostic> GeneratorDiagnostics { get; init; }

    public required GeneratorDriverRunResult Run { get; init; }

    public required GeneratorDriver Driver { get; init; }

    /// <summary>Compiler diagnostics of the compilation with generated code (errors and warnings).</summary>
    public ImmutableArray<Diagnostic> CompileDiagnostics =>
        Output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToImmutableArray();

    public string GeneratedSource(string hintSuffix) =>
        Run.Results.SelectMany(r => r.GeneratedSources).Single(s => s.HintName.EndsWith(hintSuffix, StringComparison.Ordinal)).SourceText.ToString();

    public IEnumerable<string> HintNames => Run.Results.SelectMany(r => r.GeneratedSources).Select(s => s.HintName);

    /// <summary>The tables' generated files (not the attributes, nor the exception's internal copy).</summary>
    public IEnumerable<string> TableHintNames => HintNames.Where(h => h is not ("BuildState.Attributes.g.cs" or "BuildState.InvalidTransitionException.g.cs"));
}

internal static class TestHelper
{
    public static readonly string RepoRoot = FindRepoRoot();

    private static readonly Lazy<ImmutableArray<MetadataReference>> AllReferences = new(() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Where(p => !Path.GetFileName(p).StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal) &&
                        !Path.GetFileName(p).StartsWith("BuildState", StringComparison.Ordinal) &&
                        !Path.GetFileName(p).StartsWith("xunit", StringComparison.OrdinalIgnoreCase))
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToImmutableArray());

    /// <summary>
    /// A stand-in for BuildState.Core as a referenced assembly: its lifecycle interface, its
    /// exception and its Default table, compiled as "BuildState.Core" with the generator.
    /// </summary>
    public static MetadataReference CoreReference => LazyCoreReference.Value;

    private static readonly Lazy<MetadataReference> LazyCoreReference = new(() =>
    {
        var table = File.ReadAllText(Path.Combine(RepoRoot, "src", "BuildState.Core", "Lifecycle", "Default.buildstate.json"));
        var result = Run(Array.Empty<string>(), new[] { ("Default.buildstate.json", table) }, withCore: true, assemblyName: "BuildState.Core");
        return ToReference(result.Output);
    });

    /// <summary>The compilation emitted to a metadata reference (it must compile).</summary>
    public static MetadataReference ToReference(Compilation compilation)
    {
        using var stream = new MemoryStream();
        var emit = compilation.Emit(stream);
        Assert.True(emit.Success, string.Join(Environment.NewLine, emit.Diagnostics));
        return MetadataReference.CreateFromImage(stream.ToArray());
    }

    public static string LifecycleDefinitionSource => File.ReadAllText(Path.Combine(RepoRoot, "src", "BuildState.Core", "Lifecycle", "ILifecycleDefinition.cs"));

    /// <summary>BuildState.Core's public exception type, as the generator writes it into Core.</summary>
    public static string InvalidTransitionExceptionSource => BuildState.Generators.Emitting.ExceptionSource.Text(isPublic: true);

    public const string ReleaseTable = BuildState.Tests.Shared.SampleTables.Release;

    public const string ReleaseEnum = """
using BuildState;

namespace Contoso.Build
{
    [BuildStateMachine(Initial = ReleasePhase.Draft, Error = ReleasePhase.Failed)]
    public enum ReleasePhase
    {
        [To(ReleasePhase.Built, ReleasePhase.Failed)] Draft,
        [To(ReleasePhase.Signed, ReleasePhase.Failed)] Built,
        [To(ReleasePhase.Published, ReleasePhase.Failed)] Signed,
        [Terminal] Published,
        [To(ReleasePhase.Draft)] Failed,
    }
}
""";

    public static CSharpCompilation CreateCompilation(
        IEnumerable<string> sources,
        bool withSystemTextJson = true,
        bool withCore = false,
        LanguageVersion languageVersion = LanguageVersion.Latest,
        string assemblyName = "TestAssembly",
        IEnumerable<string>? preprocessorSymbols = null)
    {
        var parseOptions = new CSharpParseOptions(languageVersion, DocumentationMode.Diagnose, preprocessorSymbols: preprocessorSymbols);
        var trees = sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, parseOptions, path: "Source" + i + ".cs")).ToList();
        if (withCore)
        {
            // BuildState.Core's types the generated code uses, as sources.
            trees.Add(CSharpSyntaxTree.ParseText(
                "using System.Collections.Generic;\n" + LifecycleDefinitionSource, parseOptions, path: "ILifecycleDefinition.cs"));
            trees.Add(CSharpSyntaxTree.ParseText(InvalidTransitionExceptionSource, parseOptions, path: "InvalidTransitionException.cs"));
        }

        var references = AllReferences.Value
            .Where(r => withSystemTextJson || !Path.GetFileName(((PortableExecutableReference)r).FilePath!).StartsWith("System.Text.Json", StringComparison.Ordinal));
        return CSharpCompilation.Create(
            assemblyName,
            trees,
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: languageVersion >= LanguageVersion.CSharp8 ? NullableContextOptions.Enable : NullableContextOptions.Disable)
                .WithSpecificDiagnosticOptions(new Dictionary<string, ReportDiagnostic> { ["CS1701"] = ReportDiagnostic.Suppress, ["CS1702"] = ReportDiagnostic.Suppress, ["CS1591"] = ReportDiagnostic.Suppress }));
    }

    public static GeneratorDriver CreateDriver(IEnumerable<AdditionalText> files, CSharpParseOptions? parseOptions = null) =>
        CSharpGeneratorDriver.Create(
            new[] { new BuildStateGenerator().AsSourceGenerator() },
            files,
            parseOptions ?? new CSharpParseOptions(LanguageVersion.Latest, DocumentationMode.Diagnose),
            optionsProvider: null,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    public static RunResult Run(
        IEnumerable<string> sources,
        IEnumerable<(string Path, string Text)>? tables = null,
        bool withSystemTextJson = true,
        bool withCore = false,
        LanguageVersion languageVersion = LanguageVersion.Latest,
        string assemblyName = "TestAssembly")
    {
        var compilation = CreateCompilation(sources, withSystemTextJson, withCore, languageVersion, assemblyName);
        var files = (tables ?? Array.Empty<(string, string)>()).Select(t => (AdditionalText)new MemoryAdditionalText(t.Path, t.Text)).ToImmutableArray();
        var driver = CreateDriver(files, new CSharpParseOptions(languageVersion, DocumentationMode.Diagnose));
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        return new RunResult { Output = (CSharpCompilation)output, GeneratorDiagnostics = diagnostics, Run = driver.GetRunResult(), Driver = driver };
    }

    public static RunResult RunTable(string text, string path = "release.buildstate.json", bool withCore = false, bool withSystemTextJson = true, params string[] sources) =>
        Run(sources, new[] { (path, text) }, withSystemTextJson, withCore);

    /// <summary>
    /// Every BST diagnostic of the run: the generator's (table diagnostics) and the transition
    /// analyzer's on the compilation with generated code (run even when the code has errors; see
    /// <see cref="BuildDiagnostics"/> for what a build shows).
    /// </summary>
    public static ImmutableArray<Diagnostic> Analyze(RunResult result, IEnumerable<(string Path, string Text)>? tables = null) =>
        Sort(result.GeneratorDiagnostics.Concat(AnalyzerDiagnostics(result, tables)));

    /// <summary>
    /// What a build reports: the generator's diagnostics, the compile diagnostics and, only when the
    /// code compiles without error, the analyzers' diagnostics (the C# compiler runs no analyzer
    /// after an error in a declaration; this drops them after any error, the stricter case).
    /// </summary>
    public static ImmutableArray<Diagnostic> BuildDiagnostics(RunResult result, IEnumerable<(string Path, string Text)>? tables = null)
    {
        var compile = result.Output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        var analyzers = compile.Any(d => d.Severity == DiagnosticSeverity.Error) ? Enumerable.Empty<Diagnostic>() : AnalyzerDiagnostics(result, tables);
        return Sort(result.GeneratorDiagnostics.Concat(compile).Concat(analyzers));
    }

    private static ImmutableArray<Diagnostic> AnalyzerDiagnostics(RunResult result, IEnumerable<(string Path, string Text)>? tables)
    {
        var files = (tables ?? Array.Empty<(string, string)>()).Select(t => (AdditionalText)new MemoryAdditionalText(t.Path, t.Text)).ToImmutableArray();
        var analyzers = ImmutableArray.Create<DiagnosticAnalyzer>(new TransitionAnalyzer());
        return result.Output.WithAnalyzers(analyzers, new AnalyzerOptions(files)).GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
    }

    private static ImmutableArray<Diagnostic> Sort(IEnumerable<Diagnostic> diagnostics) =>
        diagnostics
            .OrderBy(d => d.Location.GetLineSpan().Path, StringComparer.Ordinal)
            .ThenBy(d => d.Location.GetLineSpan().StartLinePosition.Line)
            .ThenBy(d => d.Location.GetLineSpan().StartLinePosition.Character)
            .ToImmutableArray();

    public static ImmutableArray<Diagnostic> AnalyzeTables(params (string Path, string Text)[] tables)
    {
        var result = Run(Array.Empty<string>(), tables);
        return Analyze(result, tables);
    }

    /// <summary>Emits the compilation, loads it in a collectible context and returns the assembly.</summary>
    public static Assembly Load(CSharpCompilation compilation, out AssemblyLoadContext context)
    {
        using var stream = new MemoryStream();
        var emit = compilation.Emit(stream);
        Assert.True(emit.Success, string.Join(Environment.NewLine, emit.Diagnostics));
        stream.Position = 0;
        context = new AssemblyLoadContext("test" + Guid.NewGuid(), isCollectible: true);
        return context.LoadFromStream(stream);
    }

    public static void AssertNoErrors(IEnumerable<Diagnostic> diagnostics)
    {
        var bad = diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.True(bad.Count == 0, string.Join(Environment.NewLine, bad));
    }

    public static string Format(Diagnostic d)
    {
        var span = d.Location.GetLineSpan();
        return Path.GetFileName(span.Path) + "(" + (span.StartLinePosition.Line + 1) + "," + (span.StartLinePosition.Character + 1) + "): " + d.Id;
    }

    private static string FindRepoRoot([CallerFilePath] string thisFile = "")
    {
        // From the test's output folder first: under CI (ContinuousIntegrationBuild) source paths
        // are mapped to "/_/", so the caller file path is only a fallback.
        foreach (var start in new[] { AppContext.BaseDirectory, Path.GetDirectoryName(thisFile) })
        {
            var dir = start;
            while (!string.IsNullOrEmpty(dir) && !File.Exists(Path.Combine(dir, "BuildStateSdk.sln")))
            {
                dir = Path.GetDirectoryName(dir);
            }

            if (!string.IsNullOrEmpty(dir))
            {
                return dir;
            }
        }

        throw new InvalidOperationException("repository root (BuildStateSdk.sln) not found");
    }
}
