using BuildState.Tables;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace BuildState.Generators.Parsing;

/// <summary>
/// Reads the enum form of a table (<c>[BuildStateMachine]</c>, <c>[To]</c>, <c>[Terminal]</c>) into a
/// <see cref="TransitionTable"/> whose spans point into the enum's C# file, so the same validator
/// and the same diagnostics serve both forms. Used by the generator and by the analyzers (also
/// for enums from metadata, which have no spans).
/// </summary>
internal static class EnumTableReader
{
    public static AttributeData? FindMachineAttribute(INamedTypeSymbol type)
    {
        foreach (var attribute in type.GetAttributes())
        {
            if (IsBuildStateAttribute(attribute.AttributeClass, KnownNames.MachineAttributeName))
            {
                return attribute;
            }
        }

        return null;
    }

    public static bool IsBuildStateAttribute(INamedTypeSymbol? type, string name) =>
        type != null && type.Name == name && type.ContainingNamespace is { Name: KnownNames.Namespace } ns &&
        ns.ContainingNamespace is { IsGlobalNamespace: true };

    /// <summary>The default table name of an enum: without a trailing <c>Phase</c>, else with <c>Lifecycle</c> appended.</summary>
    public static string DefaultTableName(string enumName) =>
        enumName.Length > "Phase".Length && enumName.EndsWith("Phase", StringComparison.Ordinal)
            ? enumName.Substring(0, enumName.Length - "Phase".Length)
            : enumName + "Lifecycle";

    /// <summary>Reads the table and validates it; <paramref name="diagnostics"/> gets every problem.</summary>
    public static TransitionTable Read(INamedTypeSymbol type, AttributeData machine, List<TableDiagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var tree = type.Locations.FirstOrDefault(l => l.IsInSource)?.SourceTree;
        var table = new TransitionTable(tree?.FilePath)
        {
            FromEnum = true,
            PhaseTypeName = type.Name,

            // BuildState.Core's generated DefaultPhase, read by the transition analyzer (from
            // metadata in other projects), is the built-in lifecycle's enum.
            IsBuiltIn = type.ContainingAssembly?.Name == KnownNames.CoreAssembly,
            Namespace = type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() : "",
            Span = SpanOf(type.Locations.FirstOrDefault()),
        };

        string? name = null;
        foreach (var argument in machine.NamedArguments)
        {
            var argSpan = SpanOfNamedArgument(machine, argument.Key, cancellationToken);
            switch (argument.Key)
            {
                case "Name":
                    name = argument.Value.Value as string;
                    table.NameSpan = argSpan;
                    break;
                case "Initial":
                    table.Initial = new TableName(MemberName(type, argument.Value), argSpan.IsEmpty ? table.Span : argSpan);
                    break;
                case "Error":
                    table.Error = new TableName(MemberName(type, argument.Value), argSpan.IsEmpty ? table.Span : argSpan);
                    break;
            }
        }

        table.Name = name ?? DefaultTableName(type.Name);

        // The generated types live in the enum's namespace: the enum must be visible there (a
        // file-local enum is visible in its own file only, and the generated code is another file).
        for (var container = (INamedTypeSymbol?)type; container != null; container = container.ContainingType)
        {
            var access = container.DeclaredAccessibility;
            if (container.IsFileLocal)
            {
                diagnostics.Add(new TableDiagnostic(
                    TableRules.InvalidStructure, TableSeverity.Error,
                    "Enum '" + type.Name + "' is " + (SymbolEqualityComparer.Default.Equals(container, type) ? "" : "nested in a type that is ") + "file-local ('file'): the generated types are declared in another file and could not see it; make it internal or public.",
                    table.Path, table.Span));
                break;
            }

            if (container.IsGenericType || (access != Microsoft.CodeAnalysis.Accessibility.Public && access != Microsoft.CodeAnalysis.Accessibility.Internal &&
                                            access != Microsoft.CodeAnalysis.Accessibility.ProtectedOrInternal))
            {
                diagnostics.Add(new TableDiagnostic(
                    TableRules.InvalidStructure, TableSeverity.Error,
                    "Enum '" + type.Name + "' must be public or internal, and not nested in a private, protected or generic type: the generated types are declared in its namespace.",
                    table.Path, table.Span));
                break;
            }
        }

        // The typestate class <Name> and <Name>Transitions are declared beside a top-level enum:
        // neither may be the enum itself (Name = "Self" on enum Self).
        if (type.ContainingType == null &&
            (string.Equals(table.Name, type.Name, StringComparison.Ordinal) || string.Equals(table.Name + "Transitions", type.Name, StringComparison.Ordinal)))
        {
            diagnostics.Add(new TableDiagnostic(
                TableRules.NameCollision, TableSeverity.Error,
                "Table name '" + table.Name + "' would generate '" + type.Name + "', the enum's own name; set another Name (or none: the default is '" + DefaultTableName(type.Name) + "').",
                table.Path, table.NameSpan.IsEmpty ? table.Span : table.NameSpan));
        }

        var values = new Dictionary<object, string>();
        foreach (var member in type.GetMembers())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (member is not IFieldSymbol { HasConstantValue: true } field)
            {
                continue;
            }

            var state = new TableState(field.Name, SpanOf(field.Locations.FirstOrDefault()));
            table.States.Add(state);
            if (field.ConstantValue != null)
            {
                if (values.TryGetValue(field.ConstantValue, out var other))
                {
                    diagnostics.Add(new TableDiagnostic(
                        TableRules.NameCollision, TableSeverity.Error,
                        "Enum member '" + field.Name + "' has the same value as '" + other + "'; every phase needs a value of its own.",
                        table.Path, state.Span));
                }
                else
                {
                    values.Add(field.ConstantValue, field.Name);
                }
            }

            foreach (var attribute in field.GetAttributes())
            {
                if (IsBuildStateAttribute(attribute.AttributeClass, KnownNames.TerminalAttribute))
                {
                    state.IsTerminal = true;
                    table.Terminal.Add(new TableName(field.Name, state.Span));
                }
                else if (IsBuildStateAttribute(attribute.AttributeClass, KnownNames.ToAttribute))
                {
                    state.HasTransitions = true;
                    var argumentSpans = ArgumentSpans(attribute, cancellationToken);
                    var i = 0;
                    foreach (var target in Flatten(attribute.ConstructorArguments))
                    {
                        var span = i < argumentSpans.Count ? argumentSpans[i] : state.Span;
                        state.Targets.Add(new TableName(MemberName(type, target), span.IsEmpty ? state.Span : span));
                        i++;
                    }
                }
            }
        }

        TableValidator.Validate(table, diagnostics);
        return table;
    }

    private static IEnumerable<TypedConstant> Flatten(IEnumerable<TypedConstant> arguments)
    {
        foreach (var argument in arguments)
        {
            if (argument.Kind == TypedConstantKind.Array)
            {
                foreach (var item in argument.Values)
                {
                    yield return item;
                }
            }
            else
            {
                yield return argument;
            }
        }
    }

    /// <summary>The member of <paramref name="type"/> a constant names; otherwise a descriptive non-identifier (reported as unknown).</summary>
    public static string MemberName(INamedTypeSymbol type, TypedConstant constant)
    {
        if (constant.IsNull || constant.Value == null)
        {
            return "null";
        }

        if (!SymbolEqualityComparer.Default.Equals(constant.Type, type))
        {
            return constant.Type is { } t ? t.Name + "(" + constant.Value + ")" : constant.Value.ToString();
        }

        return MemberName(type, constant.Value) ?? "(" + type.Name + ")" + constant.Value;
    }

    public static string? MemberName(INamedTypeSymbol type, object value)
    {
        foreach (var member in type.GetMembers())
        {
            if (member is IFieldSymbol { HasConstantValue: true } field && Equals(field.ConstantValue, value))
            {
                return field.Name;
            }
        }

        return null;
    }

    private static List<SourceSpan> ArgumentSpans(AttributeData attribute, CancellationToken cancellationToken)
    {
        var spans = new List<SourceSpan>();
        if (attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is AttributeSyntax { ArgumentList: { } list })
        {
            foreach (var argument in list.Arguments)
            {
                if (argument.NameEquals == null && argument.NameColon == null)
                {
                    spans.Add(SpanOf(argument.GetLocation()));
                }
            }
        }

        return spans;
    }

    private static SourceSpan SpanOfNamedArgument(AttributeData attribute, string name, CancellationToken cancellationToken)
    {
        if (attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is AttributeSyntax { ArgumentList: { } list })
        {
            foreach (var argument in list.Arguments)
            {
                if (argument.NameEquals?.Name.Identifier.ValueText == name)
                {
                    return SpanOf(argument.Expression.GetLocation());
                }
            }
        }

        return default;
    }

    public static SourceSpan SpanOf(Location? location)
    {
        if (location == null || !location.IsInSource)
        {
            return default;
        }

        var lines = location.GetLineSpan();
        return new SourceSpan(
            location.SourceSpan.Start,
            location.SourceSpan.Length,
            lines.StartLinePosition.Line + 1,
            lines.StartLinePosition.Character + 1,
            lines.EndLinePosition.Line + 1,
            lines.EndLinePosition.Character + 1);
    }

    /// <summary>"public" when the enum is visible outside its assembly, else "internal".</summary>
    public static string Accessibility(INamedTypeSymbol type)
    {
        for (ISymbol? s = type; s is INamedTypeSymbol; s = s.ContainingType)
        {
            if (s.DeclaredAccessibility != Microsoft.CodeAnalysis.Accessibility.Public)
            {
                return "internal";
            }
        }

        return "public";
    }
}
