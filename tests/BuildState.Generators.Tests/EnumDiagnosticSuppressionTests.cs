using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace BuildState.Generators.Tests;

/// <summary>
/// An annotated enum's table diagnostics are at a location in its C# file's syntax tree, so the
/// file's own suppressions apply to them as to any compiler warning (a location made of a path and a
/// span never is suppressed: dotnet/roslyn#68291).
/// </summary>
public class EnumDiagnosticSuppressionTests
{
    // Signed can never be reached: BST0005, an error the project has made a warning.
    private const string Enum = """
        namespace N
        {
            [BuildState.BuildStateMachine(Initial = Phase.Draft)]
            public enum Phase
            {
                [BuildState.To(Phase.Built)] Draft,
                [BuildState.Terminal] Built,
                [BuildState.Terminal] Signed,
            }
        }
        """;

    private static ImmutableArray<Diagnostic> Reported(string source)
    {
        var compilation = TestHelper.CreateCompilation(new[] { source });
        compilation = compilation.WithOptions(compilation.Options.WithSpecificDiagnosticOptions(
            compilation.Options.SpecificDiagnosticOptions.SetItem("BST0005", ReportDiagnostic.Warn)));
        TestHelper.CreateDriver(ImmutableArray<AdditionalText>.Empty).RunGeneratorsAndUpdateCompilation(compilation, out _, out var diagnostics);
        return diagnostics;
    }

    [Fact]
    public void The_warning_is_reported_at_the_enum_member_in_its_file()
    {
        var reported = Assert.Single(Reported(Enum));
        Assert.Equal(("BST0005", DiagnosticSeverity.Warning, false), (reported.Id, reported.Severity, reported.IsSuppressed));
        Assert.Equal(LocationKind.SourceFile, reported.Location.Kind);
        Assert.Equal("Source0.cs(8,31): BST0005", TestHelper.Format(reported));
    }

    [Fact]
    public void A_pragma_around_the_enum_silences_it()
    {
        // The compiler prints no suppressed diagnostic (an error log lists it as suppressed).
        var reported = Assert.Single(Reported("#pragma warning disable BST0005\n" + Enum + "\n#pragma warning restore BST0005\n"));
        Assert.True(reported.IsSuppressed);
    }

    [Fact]
    public void A_pragma_elsewhere_in_the_file_does_not()
    {
        Assert.False(Assert.Single(Reported(Enum + "\n#pragma warning disable BST0005\nnamespace M { }\n")).IsSuppressed);
    }
}
