namespace BuildState.Generators.Tests;

/// <summary>
/// Golden-output tests: the generated source of representative tables is compared with the
/// files under <c>Golden/</c>. After an intended change to the emitter, refresh them with
/// <c>BUILDSTATE_UPDATE_GOLDEN=1 dotnet test tests/BuildState.Generators.Tests --filter GoldenTests</c>
/// and review the diff before committing.
/// </summary>
public class GoldenTests
{
    private static readonly string Dir = Path.Combine(TestHelper.RepoRoot, "tests", "BuildState.Generators.Tests");

    public static TheoryData<string, string, bool, bool> Cases() => new()
    {
        { "release.buildstate.json", "Release.Core.Json.g.cs", true, true },
        { "release.buildstate.json", "Release.Plain.g.cs", false, false },
        { "keywords.buildstate.json", "Keywords.g.cs", false, false },
        { "pipeline.buildstate.json", "Pipeline.Json.g.cs", false, true },
        { "Default.buildstate.json", "Default.Core.Json.g.cs", true, true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void FileTableMatchesGolden(string table, string golden, bool core, bool stj)
    {
        var path = table == "Default.buildstate.json"
            ? Path.Combine(TestHelper.RepoRoot, "src", "BuildState.Core", "Lifecycle", table)
            : Path.Combine(Dir, "Tables", table);
        // The Default table is the built-in lifecycle's: only BuildState.Core may compile it.
        var assembly = table == "Default.buildstate.json" ? "BuildState.Core" : "TestAssembly";
        var result = TestHelper.Run(Array.Empty<string>(), new[] { (table, File.ReadAllText(path)) }, stj, core, assemblyName: assembly);
        TestHelper.AssertNoErrors(result.CompileDiagnostics);
        var generated = result.Run.Results.SelectMany(r => r.GeneratedSources).Single(s => s.HintName is not ("BuildState.Attributes.g.cs" or "BuildState.InvalidTransitionException.g.cs")).SourceText.ToString();
        Compare(golden, generated);
    }

    [Fact]
    public void EnumFormMatchesGolden()
    {
        var result = TestHelper.Run(new[] { TestHelper.ReleaseEnum }, withCore: true);
        TestHelper.AssertNoErrors(result.CompileDiagnostics);
        Compare("ReleaseEnum.Core.Json.g.cs", result.GeneratedSource("Contoso.Build.Release.BuildState.g.cs"));
    }

    [Fact]
    public void AttributesMatchGolden()
    {
        var result = TestHelper.Run(Array.Empty<string>());
        Compare("Attributes.g.cs", result.GeneratedSource("BuildState.Attributes.g.cs"));
        Compare("InvalidTransitionException.g.cs", result.GeneratedSource("BuildState.InvalidTransitionException.g.cs"));
    }

    private static void Compare(string golden, string generated)
    {
        var file = Path.Combine(Dir, "Golden", golden);
        if (Environment.GetEnvironmentVariable("BUILDSTATE_UPDATE_GOLDEN") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.WriteAllText(file, generated);
            return;
        }

        Assert.True(File.Exists(file), "Missing golden file " + golden + "; run with BUILDSTATE_UPDATE_GOLDEN=1 to create it.");
        var expected = File.ReadAllText(file).Replace("\r\n", "\n");
        Assert.Equal(expected, generated);
    }
}
