using BuildState.Generators.Model;
using BuildState.Tables;
using Microsoft.CodeAnalysis;

namespace BuildState.Generators.Parsing;

/// <summary>Pipeline step for the enum form: a <c>[BuildStateMachine]</c> enum to a <see cref="TableSpec"/>.</summary>
internal static class EnumTableParser
{
    public static TableSpec Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        try
        {
            if (context.TargetSymbol is not INamedTypeSymbol { TypeKind: TypeKind.Enum } type || context.Attributes.Length == 0)
            {
                return TableSpec.Empty;
            }

            var found = new List<TableDiagnostic>();
            var table = EnumTableReader.Read(type, context.Attributes[0], found, cancellationToken);
            var valid = !found.Any(d => d.IsError);

            // A diagnostic without a span of its own (an enum from metadata has none) points at the enum's name.
            var diagnostics = found.Select(d => DiagnosticInfo.Create(d, table.Span)).ToEquatableArray();
            var fullName = type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
            var file = table.Path == null ? null : Path.GetFileName(table.Path);
            var model = ModelBuilder.Build(
                table, valid, EnumTableReader.Accessibility(type), fullName,
                file == null ? type.Name : file + ", enum " + type.Name);
            var identity = ModelBuilder.Identity(table, "enum " + type.Name + (file == null ? "" : " (" + file + ")"));
            return new TableSpec(identity, model, diagnostics);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return TableSpec.Empty;
        }
    }
}
