namespace BuildState.Cli.Commands;

internal static class ReportCommand
{
    public static System.CommandLine.Command Create(Runner runner) => runner.Verb("report", "todo", "buildstate report", _ => 0);
}
