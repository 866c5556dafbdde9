namespace BuildState.Lifecycle;

/// <summary>
/// A lifecycle transition table as the store sees it: phase names as strings, so one store
/// holds builds of any lifecycle. Generated <c>&lt;Name&gt;Transitions.Definition</c> members
/// implement it; the store validates every transition it records against it.
/// </summary>
public interface ILifecycleDefinition
{
    /// <summary>The table's name (for example <c>Default</c> or <c>Release</c>).</summary>
    string Name { get; }

    /// <summary>Every phase, in declaration order.</summary>
    IReadOnlyList<string> Phases { get; }

    /// <summary>The phase every run starts in.</summary>
    string Initial { get; }

    /// <summary>Phases that end a run successfully.</summary>
    IReadOnlyList<string> Terminal { get; }

    /// <summary>The error phase, or null when the table declares none.</summary>
    string? Error { get; }

    /// <summary>True when the table allows <paramref name="from"/> to <paramref name="to"/>.</summary>
    bool CanTransition(string from, string to);

    /// <summary>The legal targets of <paramref name="from"/> (empty for terminal or unknown phases).</summary>
    IReadOnlyList<string> AllowedFrom(string from);
}
