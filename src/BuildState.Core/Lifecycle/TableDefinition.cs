namespace BuildState.Lifecycle;

/// <summary>
/// An <see cref="ILifecycleDefinition"/> over plain data: for tables known only at run time (a
/// project's table file read by the MSBuild tasks, a table kept in the store read by the CLI).
/// Tables known at compile time use their generated <c>&lt;Name&gt;Transitions.Definition</c>.
/// </summary>
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
