using System.Collections.Concurrent;
using BuildState.Errors;

namespace BuildState.Lifecycle;

/// <summary>
/// The lifecycles a store knows by name. The default lifecycle is always there; custom tables are
/// registered by whoever drives them (the MSBuild tasks from their table files, user code from the
/// generated <c>&lt;Name&gt;Transitions.Definition</c>).
/// </summary>
public sealed class LifecycleRegistry
{
    private readonly ConcurrentDictionary<string, ILifecycleDefinition> _byName = new(StringComparer.Ordinal);

    public LifecycleRegistry()
    {
        Register(DefaultLifecycle.Definition);
    }

    public void Register(ILifecycleDefinition definition) => _byName[definition.Name] = definition;

    public bool TryGet(string name, out ILifecycleDefinition definition) => _byName.TryGetValue(name, out definition!);

    public ILifecycleDefinition Get(string name) =>
        TryGet(name, out var definition)
            ? definition
            : throw new BuildStateException(StoreErrorKind.Validation, $"unknown lifecycle '{name}'; known: {string.Join(", ", _byName.Keys.Order(StringComparer.Ordinal))}");

    /// <summary>Throws a Validation error naming the table, both phases and the legal targets when the transition is not allowed.</summary>
    public static void EnsureCanTransition(ILifecycleDefinition table, string from, string to)
    {
        if (table.CanTransition(from, to))
        {
            return;
        }

        var legal = table.AllowedFrom(from);
        var targets = legal.Count == 0 ? "none (it is terminal or unknown)" : string.Join(", ", legal);
        throw new BuildStateException(
            StoreErrorKind.Validation,
            $"illegal transition in lifecycle '{table.Name}': {from} -> {to}; legal targets from {from}: {targets}");
    }
}
