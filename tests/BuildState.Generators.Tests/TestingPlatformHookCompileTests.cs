using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace BuildState.Generators.Tests;

/// <summary>
/// The SDK compiles its Microsoft.Testing.Platform hook (src/BuildState.Sdk/TestingPlatform) into
/// users' test applications, whatever their C# version and platform version: it must compile as
/// C# 7.3 against the platform's 1.x API (IDataConsumer in Extensions.TestHost) and its 2.x API
/// (IDataConsumer in Extensions), with and without the EmbeddedAttribute 2.x's generated code declares.
/// </summary>
public class TestingPlatformHookCompileTests
{
    private const string Settings = "namespace BuildState.Sdk.Testing { internal static partial class BuildStateTestingPlatformHook { private const string SettingsFile = @\"x.settings\"; } }";
    private const string Embedded = "namespace Microsoft.CodeAnalysis { internal sealed partial class EmbeddedAttribute : global::System.Attribute { } }";

    [Theory]
    [InlineData("1.5.3", false)]
    [InlineData("2.5.3", false)]
    [InlineData("2.5.3", true)]
    public void The_hook_compiles_as_CSharp_7_3_against_the_platform(string version, bool embedded)
    {
        var hook = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestingPlatformHook", "BuildStateTestingPlatformHook.cs"));
        var options = new CSharpParseOptions(LanguageVersion.CSharp7_3, preprocessorSymbols: embedded ? ["BUILDSTATE_EMBEDDED"] : []);
        var sources = new List<string> { hook, Settings };
        if (embedded)
        {
            sources.Add(Embedded);
        }

        var compilation = CSharpCompilation.Create(
            "Hook" + version.Replace(".", "") + embedded,
            sources.Select(s => CSharpSyntaxTree.ParseText(s, options)),
            [.. Framework(), MetadataReference.CreateFromFile(Platform(version))],
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, generalDiagnosticOption: ReportDiagnostic.Error));

        var problems = compilation.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(d => d.ToString()).ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    private static string Platform(string version)
    {
        var root = typeof(TestingPlatformHookCompileTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "NuGetPackageRoot").Value!;
        return Path.Combine(root, "microsoft.testing.platform", version, "lib", "netstandard2.0", "Microsoft.Testing.Platform.dll");
    }

    private static IEnumerable<MetadataReference> Framework() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p) is var name && (name.StartsWith("System.", StringComparison.Ordinal) || name is "netstandard.dll" or "mscorlib.dll"))
            .Select(p => MetadataReference.CreateFromFile(p));
}
