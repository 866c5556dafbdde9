using BuildState.Generators.Model;
using BuildState.Tables;
using Microsoft.CodeAnalysis;

namespace BuildState.Generators.Parsing;

/// <summary>Pipeline step for the file form: an additional <c>*.buildstate.json</c> file to a <see cref="TableSpec"/>.</summary>
internal static class FileTableParser
{
    public static bool IsTableFile(AdditionalText file) => TableParser.IsTableFile(file.Path);

    public static TableSpec Parse(AdditionalText file, CancellationToken cancellationToken)
    {
        try
        {
            var text = file.GetText(cancellationToken)?.ToString();
            if (text == null)
            {
                return new TableSpec(EquatableArray<string>.Empty, null);
            }

            var result = TableParser.Parse(file.Path, text);
            if (result.Table == null)
            {
                return new TableSpec(EquatableArray<string>.Empty, null);
            }

            var table = result.Table;
            var names = ModelBuilder.GeneratedNames(table);
            var phaseType = (table.Namespace.Length == 0 ? "global::" : "global::" + CSharpNames.EscapeNamespace(table.Namespace) + ".") + CSharpNames.Escape(table.PhaseTypeName);
            var model = ModelBuilder.Build(table, result.IsValid, "public", phaseType, Path.GetFileName(file.Path));
            return new TableSpec(names, model);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Never fail the compilation for a table: the analyzer reports what is wrong.
            return new TableSpec(EquatableArray<string>.Empty, null);
        }
    }
}
