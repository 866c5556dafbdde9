using System.CommandLine;

namespace BuildState.Cli;

/// <summary>Options every verb takes (declared once on the root, recursive).</summary>
internal static class GlobalOptions
{
    public static readonly Option<string?> Root = new("--root")
    {
        Description = "The store folder, or a folder holding .buildstate/ (default: the nearest .buildstate/ above the current directory)",
        HelpName = "DIR",
        Recursive = true,
    };

    public static readonly Option<bool> Json = new("--json")
    {
        Description = "Print machine-readable JSON (shapes in docs/cli.md; fields are added, never renamed)",
        Recursive = true,
    };

    public static readonly Option<bool> Verbose = new("--verbose", "-v")
    {
        Description = "Show details for bug reports (stack traces, timings, ignored files)",
        Recursive = true,
    };

    public static readonly Option<string?> LockTimeout = new("--lock-timeout")
    {
        Description = "How long to wait for a store lock before failing with exit code 2 (e.g. 500ms, 10s; default 30s)",
        HelpName = "DURATION",
        Recursive = true,
    };

    public static void AddTo(RootCommand root)
    {
        root.Add(Root);
        root.Add(Json);
        root.Add(Verbose);
        root.Add(LockTimeout);
    }
}
