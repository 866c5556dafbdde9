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
                return new TableSpec(EquatableArray<string>.Empty, null);
            }

            var diagnostics = new List<TableDiagnostic>();
            var table = EnumTableReader.Read(type, context.Attributes[0], diagnostics, cancellationToken);
            var valid = !diagnostics.Any(d => d.IsError);
            var fullName = type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
            var file = type.Locations.FirstOrDefault()?.SourceTree?.FilePath;
            var model = ModelBuilder.Build(
                table, valid, EnumTableReader.Accessibility(type), fullName,
                file == null ? type.Name : Path.GetFileName(file) + ", enum " + type.Name);
            return new TableSpec(ModelBuilder.GeneratedNames(table), model);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return new TableSpec(EquatableArray<string>.Empty, null);
        }
    }
}
