using BuildState.Model;
using Spectre.Console;

namespace BuildState.Cli.Rendering;

/// <summary>Colours and small markup pieces (colours are dropped by the console when they are off).</summary>
internal static class Styles
{
    public static string Status(RunStatus status) => StatusCell(status).ToMarkup();

    public static string Phase(string phase) => PhaseCell(phase).ToMarkup();

    public static TableCell StatusCell(RunStatus status) => status switch
    {
        RunStatus.Succeeded => new("Succeeded", "green"),
        RunStatus.Failed => new("Failed", "red bold"),
        RunStatus.Running => new("Running", "blue"),
        _ => new("Interrupted", "yellow"),
    };

    /// <summary>The STATUS of a build that could not be read.</summary>
    public static TableCell UnreadableCell => new("unreadable", "red bold");

    public static TableCell PhaseCell(string phase) => phase switch
    {
        "Error" or "Failed" => new(phase, "red"),
        "Complete" => new(phase, "green"),
        _ => new(phase),
    };

    public static string Dim(string text) => $"[grey]{Markup.Escape(text)}[/]";

    public static string E(string? text) => Markup.Escape(text ?? "");

    public static Table Table(params string[] headers)
    {
        var table = new Table().Border(TableBorder.Simple).BorderColor(Color.Grey);
        foreach (var header in headers)
        {
            table.AddColumn(new TableColumn($"[bold]{Markup.Escape(header)}[/]"));
        }

        return table;
    }
}
