namespace BuildState;

/// <summary>
/// A transition the table does not allow: names the table, both phases and the legal targets.
/// Thrown by the generated code of every table (<c>EnsureCanTransition</c>, <c>Transition</c>,
/// <c>State.TransitionTo</c>). This public type is the one every assembly that references
/// BuildState.Core shares, so <c>catch (BuildState.InvalidTransitionException)</c> in one assembly
/// catches it when another assembly's generated code throws it; the generator emits an internal
/// copy (same members, same message) only into a project that sees no such type.
/// </summary>
public sealed class InvalidTransitionException : InvalidOperationException
{
    public InvalidTransitionException(string table, string from, string to, IReadOnlyList<string> allowedTargets)
        : base(Format(table, from, to, allowedTargets))
    {
        Table = table;
        From = from;
        To = to;
        AllowedTargets = allowedTargets;
    }

    /// <summary>The table's name.</summary>
    public string Table { get; }

    /// <summary>The phase the transition started from.</summary>
    public string From { get; }

    /// <summary>The phase that was asked for.</summary>
    public string To { get; }

    /// <summary>The legal targets of <see cref="From"/>.</summary>
    public IReadOnlyList<string> AllowedTargets { get; }

    private static string Format(string table, string from, string to, IReadOnlyList<string> allowed) =>
        "Transition table '" + table + "' does not allow " + from + " -> " + to + ". " +
        (allowed.Count == 0 ? from + " has no legal targets." : "Legal targets of " + from + ": " + string.Join(", ", allowed) + ".");
}
