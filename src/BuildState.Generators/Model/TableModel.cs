namespace BuildState.Generators.Model;

/// <summary>One state as the emitter needs it.</summary>
/// <param name="Name">The state name as declared (phase name on disk).</param>
/// <param name="Identifier">The C# identifier (keywords escaped with <c>@</c>).</param>
/// <param name="IsTerminal">True for a terminal state.</param>
/// <param name="Targets">Indexes (into the table's states) of the legal targets, in table order, distinct.</param>
internal sealed record StateModel(string Name, string Identifier, bool IsTerminal, EquatableArray<int> Targets);

/// <summary>A valid table, ready to emit. Value-equal, holds no Roslyn object.</summary>
internal sealed record TableModel(
    string Name,
    string Namespace,
    string Accessibility,
    bool FromEnum,
    string PhaseTypeName,
    string PhaseTypeFullName,
    int Initial,
    int Error,
    EquatableArray<StateModel> States,
    string SourceName)
{
    /// <summary>The escaped table identifier (the typestate class name).</summary>
    public string Identifier => BuildState.Tables.CSharpNames.Escape(Name);

    public string TransitionsName => Name + "Transitions";

    /// <summary>The <c>global::</c>-qualified namespace prefix, ending with a dot.</summary>
    public string GlobalPrefix => Namespace.Length == 0 ? "global::" : "global::" + Namespace + ".";
}

/// <summary>
/// What the pipeline carries for one table: the names it would generate (for duplicate
/// detection) and the model when the table is valid (null when it has errors: nothing is emitted).
/// </summary>
internal sealed record TableSpec(EquatableArray<string> GeneratedNames, TableModel? Model);

/// <summary>What the compilation offers the generated code.</summary>
/// <param name="HasCore">BuildState.Core's <c>ILifecycleDefinition</c> is referenced and accessible.</param>
/// <param name="HasSystemTextJson">System.Text.Json (with <c>IJsonTypeInfoResolver</c>) is referenced.</param>
internal sealed record GenerationOptions(bool HasCore, bool HasSystemTextJson);
