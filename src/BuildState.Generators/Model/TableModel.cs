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
/// What the pipeline carries for one table: what duplicate detection needs (null when the table
/// has no usable name), the model when the table is valid (null when it has errors: nothing is
/// emitted), and its diagnostics, which the generator reports itself.
/// </summary>
internal sealed record TableSpec(TableIdentity? Identity, TableModel? Model, EquatableArray<DiagnosticInfo> Diagnostics)
{
    public static TableSpec Empty { get; } = new TableSpec(null, null, EquatableArray<DiagnosticInfo>.Empty);
}

/// <summary>A table as duplicate detection (BST0009) sees it.</summary>
/// <param name="Name">The table name.</param>
/// <param name="Description">How messages name it: <c>table 'Release' (release.buildstate.json)</c>, <c>enum ReleasePhase (Phases.cs)</c>.</param>
/// <param name="GeneratedNames">The namespace-qualified top-level type names it generates.</param>
/// <param name="HintName">The name of its generated file.</param>
/// <param name="Location">Where BST0009 is reported: its name.</param>
internal sealed record TableIdentity(string Name, string Description, EquatableArray<string> GeneratedNames, string HintName, LocationInfo? Location);

/// <summary>A name (a type's, or a generated file's) that more than one table would generate.</summary>
/// <param name="Name">The type name, or the file name.</param>
/// <param name="IsFileName">True for generated file names, which are compared in any case.</param>
/// <param name="Owners">The tables that would generate it.</param>
internal sealed record Collision(string Name, bool IsFileName, EquatableArray<TableIdentity> Owners);

/// <summary>What the compilation offers the generated code.</summary>
/// <param name="HasCore">BuildState.Core's <c>ILifecycleDefinition</c> is referenced and accessible.</param>
/// <param name="HasSystemTextJson">System.Text.Json (with <c>IJsonTypeInfoResolver</c>) is referenced.</param>
internal sealed record GenerationOptions(bool HasCore, bool HasSystemTextJson);
