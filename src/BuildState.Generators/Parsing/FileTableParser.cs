using BuildState.Generators.Model;
using BuildState.Tables;
using Microsoft.CodeAnalysis;

namespace BuildState.Generators.Parsing;

/// <summary>Pipeline step for the file form: an additional <c>*.buildstate.json</c> file to a <see cref="TableSpec"/>.</summary>
internal static class FileTableParser
{
    public static bool IsTableFile(AdditionalText file) => TableParser.IsTableFile(file.Path);

    /// <param name="file">The table file.</param>
    /// <param name="builtIn">True when compiling BuildState.Core: its table is the SDK's built-in lifecycle <c>Default</c>.</param>
    /// <param name="cancellationToken">Cancels the step.</param>
    public static TableSpec Parse(AdditionalText file, bool builtIn, CancellationToken cancellationToken)
    {
        try
        {
            var text = file.GetText(cancellationToken)?.ToString();
            if (text == null)
            {
                return TableSpec.Empty;
            }

            var result = TableParser.Parse(file.Path, text, builtIn);
            var diagnostics = result.Diagnostics.Select(d => DiagnosticInfo.Create(d)).ToEquatableArray();
            if (result.Table == null)
            {
                return new TableSpec(null, null, diagnostics);
            }

            var table = result.Table;
            var fileName = Path.GetFileName(file.Path);
            var phaseType = (table.Namespace.Length == 0 ? "global::" : "global::" + CSharpNames.EscapeNamespace(table.Namespace) + ".") + CSharpNames.Escape(table.PhaseTypeName);
            var model = ModelBuilder.Build(table, result.IsValid, "public", phaseType, fileName);
            return new TableSpec(ModelBuilder.Identity(table, "table '" + table.Name + "' (" + fileName + ")"), model, diagnostics);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Never fail the compilation for a table (a generator that throws loses every table, CS8785).
            return TableSpec.Empty;
        }
    }
}
