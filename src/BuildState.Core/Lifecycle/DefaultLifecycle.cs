namespace BuildState.Lifecycle;

/// <summary>
/// The default lifecycle of DESIGN.md. Declared once, in <c>Default.buildstate.json</c>; the generator
/// turns it into <see cref="DefaultPhase"/>, <see cref="DefaultTransitions"/> and the typestate
/// <see cref="Default"/>, and the store enforces it through <see cref="DefaultTransitions.Definition"/>.
/// The names below are the generated enum's, for code that works with phase names.
/// </summary>
public static class DefaultLifecycle
{
    public const string Init = nameof(DefaultPhase.Init);
    public const string Setup = nameof(DefaultPhase.Setup);
    public const string Build = nameof(DefaultPhase.Build);
    public const string Test = nameof(DefaultPhase.Test);
    public const string Cleanup = nameof(DefaultPhase.Cleanup);
    public const string Complete = nameof(DefaultPhase.Complete);
    public const string Error = nameof(DefaultPhase.Error);

    /// <summary>The generated table, as the store sees lifecycles.</summary>
    public static ILifecycleDefinition Definition => DefaultTransitions.Definition;
}
