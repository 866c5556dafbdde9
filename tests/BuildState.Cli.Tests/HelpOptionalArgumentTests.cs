using BuildState.Cli.Tests.Infrastructure;

namespace BuildState.Cli.Tests;

/// <summary>The verb list of the top-level help shows optional arguments in brackets, with the descriptions still aligned.</summary>
public sealed class HelpOptionalArgumentTests
{
    private static string Row(string help, string verb) =>
        help.Split('\n').Single(l => l.StartsWith($"  {verb} ", StringComparison.Ordinal));

    /// <summary>Where the description starts in a row whose first column is <paramref name="label"/>.</summary>
    private static int DescriptionColumn(string row, string label) => row.Length - row[label.Length..].TrimStart().Length;

    [Theory]
    [InlineData("recover", "[<BUILD>]")]
    [InlineData("archive", "[<BUILD>]")]
    [InlineData("watch", "[<BUILD>]")]
    [InlineData("graph", "[<TABLE>]")]
    [InlineData("show", "<BUILD>")]
    [InlineData("restore", "<BUILD> <CHECKPOINT>")]
    public void Each_verb_shows_its_arguments_as_optional_or_required(string verb, string arguments)
    {
        var result = Bs.Run(Path.GetTempPath(), "--help");

        Assert.Equal(0, result.Code);
        var label = $"  {verb} {arguments}";
        var row = Row(result.Out, verb);
        Assert.StartsWith(label + "  ", row);
        Assert.Equal(DescriptionColumn(Row(result.Out, "status"), "  status"), DescriptionColumn(row, label));
    }

    [Fact]
    public void The_usage_printed_after_a_usage_error_shows_them_too()
    {
        var result = Bs.Run(Path.GetTempPath(), "frobnicate");

        Assert.Equal(64, result.Code);
        Assert.StartsWith("  recover [<BUILD>]  ", Row(result.Err, "recover"));
    }
}

/// <summary>The top-level help lists every exit code the tool can return (ExitCodes' constants), each with its meaning.</summary>
public sealed class HelpExitCodeTests
{
    [Fact]
    public void Help_lists_every_exit_code()
    {
        var constants = typeof(BuildState.Errors.ExitCodes).GetFields()
            .Where(f => f.IsLiteral && f.FieldType == typeof(int))
            .Select(f => (int)f.GetRawConstantValue()!)
            .ToList();

        var help = Bs.Run(Path.GetTempPath(), "--help");

        Assert.Equal(0, help.Code);
        var line = help.Out.Split('\n').Single(l => l.TrimStart().StartsWith("Exit codes:", StringComparison.Ordinal));
        Assert.All(constants, code => Assert.Matches($@"[:,] {code} \w", line));
        Assert.Contains("8 written by a newer BuildState", line);
    }
}
