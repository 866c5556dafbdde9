namespace BuildState.Cli.Commands;

internal static class WatchCommand
{
    public static System.CommandLine.Command Create(Runner runner) => runner.Verb("watch", "todo", "buildstate watch", _ => 0);
}
