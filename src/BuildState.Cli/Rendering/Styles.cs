using BuildState.Model;
using Spectre.Console;

namespace BuildState.Cli.Rendering;

/// <summary>Colours and small markup pieces (colours are dropped by the console when they are off).</summary>
internal static class Styles
{
    public static string Status(RunStatus status) => status switch
    {
        RunStatus.Succeeded => "[green]Succeeded[/]",
        RunStatus.Failed => "[red bold]Failed[/]",
        RunStatus.Running => "[blue]Running[/]",
        _ => "[yellow]Interrupted[/]",
    };

    public static string Phase(string phase) => phase switch
    {
        "Error" or "Failed" => $"[red]{Markup.Escape(phase)}[/]",
        "Complete" => $"[green]{Markup.Escape(phase)}[/]",
        _ => Markup.Escape(phase),
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
