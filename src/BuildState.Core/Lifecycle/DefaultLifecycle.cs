namespace BuildState.Lifecycle;

/// <summary>
/// The default lifecycle of DESIGN.md. Declared by hand here until the generator produces it from
/// <c>Default.buildstate.json</c>; this is the only place the table is written in C#.
/// </summary>
public static class DefaultLifecycle
{
    public const string Init = "Init", Setup = "Setup", Build = "Build", Test = "Test", Cleanup = "Cleanup", Complete = "Complete", Error = "Error";

    public static ILifecycleDefinition Definition { get; } = new TableDefinition(
        "Default",
        Init,
        [Complete],
        Error,
        [
            (Init, [Setup, Error]),
            (Setup, [Build, Error]),
            (Build, [Test, Cleanup, Error]),
            (Test, [Cleanup, Error]),
            (Cleanup, [Complete, Error]),
            (Complete, []),
            (Error, [Init, Cleanup]),
        ]);
}

/// <summary>An <see cref="ILifecycleDefinition"/> over plain data (used for tables known only at run time).</summary>
public sealed class TableDefinition : ILifecycleDefinition
{
    private readonly Dictionary<string, string[]> _targets;

    public TableDefinition(string name, string initial, IReadOnlyList<string> terminal, string? error, IReadOnlyList<(string State, string[] Targets)> transitions)
    {
        Name = name;
        Initial = initial;
        Terminal = terminal;
        Error = error;
        Phases = transitions.Select(t => t.State).ToArray();
        _targets = transitions.ToDictionary(t => t.State, t => t.Targets, StringComparer.Ordinal);
    }

    public string Name { get; }

    public IReadOnlyList<string> Phases { get; }

    public string Initial { get; }

    public IReadOnlyList<string> Terminal { get; }

    public string? Error { get; }

    public bool CanTransition(string from, string to) => _targets.TryGetValue(from, out var targets) && Array.IndexOf(targets, to) >= 0;

    public IReadOnlyList<string> AllowedFrom(string from) => _targets.TryGetValue(from, out var targets) ? targets : [];
}
