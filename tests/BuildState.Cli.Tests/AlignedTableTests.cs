using BuildState.Cli.Rendering;
using BuildState.Model;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace BuildState.Cli.Tests;

/// <summary>The fast table of status and list prints exactly what Spectre's Table prints, colours included.</summary>
public sealed class AlignedTableTests
{
    public static TheoryData<ColorSystemSupport> ColorSystems => new()
    {
        ColorSystemSupport.NoColors,
        ColorSystemSupport.Standard,
        ColorSystemSupport.EightBit,
        ColorSystemSupport.TrueColor,
    };

    private static string Render(Action<IAnsiConsole> write, ColorSystemSupport colors, int width, bool unicode = true)
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = colors == ColorSystemSupport.NoColors ? AnsiSupport.No : AnsiSupport.Yes,
            ColorSystem = colors,
            Out = new AnsiConsoleOutput(output),
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = width;
        console.Profile.Capabilities.Unicode = unicode;
        write(console);
        return output.ToString();
    }

    /// <summary>Asserts the same output as Spectre's table; returns whether the fast path was taken.</summary>
    private static bool Same(AlignedTable table, ColorSystemSupport colors, int width, bool unicode = true)
    {
        var fast = false;
        var actual = Render(c => { fast = table.IsFast(RenderOptions.Create(c, c.Profile.Capabilities), width); c.Write(table); }, colors, width, unicode);
        Assert.Equal(Render(c => c.Write(table.ToSpectre()), colors, width, unicode), actual);
        return fast;
    }

    private static AlignedTable Builds(params string[] ids)
    {
        var table = new AlignedTable("BUILD", "PHASE", "STATUS", "RUN", "UPDATED");
        var statuses = Enum.GetValues<RunStatus>();
        for (var i = 0; i < ids.Length; i++)
        {
            table.AddRow(new(ids[i]), Styles.PhaseCell(i % 3 == 0 ? "Complete" : i % 3 == 1 ? "Error" : "Build"), Styles.StatusCell(statuses[i % statuses.Length]), new(i % 2 == 0 ? "run-1" : ""), new("5 min ago"));
        }

        return table;
    }

    [Theory]
    [MemberData(nameof(ColorSystems))]
    public void Same_as_spectre_for_plain_rows(ColorSystemSupport colors)
    {
        Assert.True(Same(Builds("src/App/App.csproj|Debug|net10.0", "src/Lib/Lib.csproj|Debug|net10.0", "x", "[brackets] and spaces", "src/Tool/Tool.csproj|Release|net8.0"), colors, 200));
        Assert.False(Same(Builds(), colors, 200));
    }

    [Theory]
    [MemberData(nameof(ColorSystems))]
    public void Same_as_spectre_at_and_around_the_console_width(ColorSystemSupport colors)
    {
        var table = Builds("src/App/App.csproj|Debug|net10.0", "a much longer project path/that/goes/on/Project.csproj|Release|net10.0");
        var natural = Render(c => c.Write(table.ToSpectre()), ColorSystemSupport.NoColors, 500).Split('\n')[1].Length;
        for (var width = natural - 3; width <= natural + 3; width++)
        {
            Assert.Equal(width >= natural, Same(table, colors, width));
        }
    }

    [Theory]
    [MemberData(nameof(ColorSystems))]
    public void Same_as_spectre_for_what_the_fast_path_leaves_to_spectre(ColorSystemSupport colors)
    {
        Assert.False(Same(Builds("src/Ünïcode/Ünïcode.csproj|Debug|net10.0", "src/宽/宽.csproj|Debug|net10.0"), colors, 200));
        Assert.False(Same(Builds("tab\there"), colors, 200));
        Assert.False(Same(Builds("src/App/App.csproj|Debug|net10.0"), colors, 200, unicode: false));
        Assert.False(Same(Builds("src/App/App.csproj|Debug|net10.0", "src/Lib/Lib.csproj|Debug|net10.0"), colors, 30));
    }
}
