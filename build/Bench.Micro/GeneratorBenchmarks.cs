using System.Collections.Immutable;
using System.Text;
using BenchmarkDotNet.Attributes;
using BuildState.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace Bench.Micro;

/// <summary>The generator on a 100-state table: a full run, and a run after an unrelated edit (all cached).</summary>
[MemoryDiagnoser]
public class GeneratorBenchmarks
{
    private CSharpCompilation _compilation = null!;
    private ImmutableArray<AdditionalText> _tables;
    private GeneratorDriver _warmDriver = null!;
    private CSharpCompilation _edited = null!;

    [GlobalSetup]
    public void Setup()
    {
        var table = new StringBuilder("{\"name\":\"Big\",\"namespace\":\"Perf\",\"initial\":\"S0\",\"terminal\":[\"S99\"],\"error\":\"S98\",\"transitions\":{");
        for (var i = 0; i < 99; i++)
        {
            table.Append(i == 0 ? "" : ",").Append("\"S").Append(i).Append("\":[\"S").Append(i + 1).Append(i is 97 or 98 ? "\",\"S0\"]" : "\",\"S98\",\"S0\"]");
        }

        table.Append("}}");
        _tables = [new MemoryText("big.buildstate.json", table.ToString())];
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) == "netstandard.dll")
            .Select(p => MetadataReference.CreateFromFile(p));
        _compilation = CSharpCompilation.Create("bench", [CSharpSyntaxTree.ParseText("class A { }")], references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        _warmDriver = NewDriver().RunGenerators(_compilation);
        _edited = _compilation.ReplaceSyntaxTree(_compilation.SyntaxTrees.First(), CSharpSyntaxTree.ParseText("class A { int x; }"));
    }

    private GeneratorDriver NewDriver() =>
        CSharpGeneratorDriver.Create([new BuildStateGenerator().AsSourceGenerator()], _tables, driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: false));

    [Benchmark(Description = "generator: first run, 100-state table")]
    public GeneratorDriver FirstRun() => NewDriver().RunGenerators(_compilation);

    [Benchmark(Description = "generator: rerun after an unrelated C# edit")]
    public GeneratorDriver Rerun() => _warmDriver.RunGenerators(_edited);

    private sealed class MemoryText(string path, string text) : AdditionalText
    {
        public override string Path { get; } = path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => SourceText.From(text, Encoding.UTF8);
    }
}
