namespace BuildState.Generators.Parsing;

/// <summary>Metadata names the generator and the analyzers look for.</summary>
internal static class KnownNames
{
    public const string Namespace = "BuildState";
    public const string MachineAttribute = "BuildState.BuildStateMachineAttribute";
    public const string ToAttribute = "ToAttribute";
    public const string TerminalAttribute = "TerminalAttribute";
    public const string MachineAttributeName = "BuildStateMachineAttribute";
    public const string TransitionFromAttribute = "TransitionFromAttribute";
    public const string TransitionToAttribute = "TransitionToAttribute";
    public const string LifecycleDefinition = "BuildState.Lifecycle.ILifecycleDefinition";
    public const string InvalidTransitionException = "BuildState.InvalidTransitionException";
    public const string JsonTypeInfoResolver = "System.Text.Json.Serialization.Metadata.IJsonTypeInfoResolver";
    public const string JsonMetadataServices = "System.Text.Json.Serialization.Metadata.JsonMetadataServices";
    public const string GeneratorName = "BuildState.Generators";

    /// <summary>The assembly whose own table is the SDK's built-in lifecycle <c>Default</c> (a name other tables may not have).</summary>
    public const string CoreAssembly = "BuildState.Core";
}
