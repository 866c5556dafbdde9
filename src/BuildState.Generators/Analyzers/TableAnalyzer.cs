using System.Collections.Concurrent;
using System.Collections.Immutable;
using BuildState.Generators.Parsing;
using BuildState.Tables;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace BuildState.Generators.Analyzers;

/// <summary>
/// Reports table errors (BST0001-BST0009, BST0011, BST0012): in <c>*.buildstate.json</c> additional
/// files at <c>file(line,col)</c>, and on annotated enums at the enum, its members and its
/// attribute arguments. The generator reports nothing itself: it only skips bad tables.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class TableAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        Descriptors.MalformedJson,
        Descriptors.UnknownState,
        Descriptors.DuplicateTransition,
        Descriptors.InitialState,
        Descriptors.UnreachableState,
        Descriptors.DeadEndState,
        Descriptors.TerminalWithTransitions,
        Descriptors.InvalidIdentifier,
        Descriptors.DuplicateTable,
        Descriptors.InvalidStructure,
        Descriptors.NameCollision);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);

        // Table files: their own problems, reported once per compilation.
        context.RegisterCompilationAction(static ctx =>
        {
            foreach (var file in ctx.Options.AdditionalFiles)
            {
                if (!TableParser.IsTableFile(file.Path))
                {
                    continue;
                }

                var text = file.GetText(ctx.CancellationToken);
                if (text == null)
                {
                    continue;
                }

                var result = TableParser.Parse(file.Path, text.ToString());
                foreach (var diagnostic in result.Diagnostics)
                {
                    ctx.ReportDiagnostic(Descriptors.ToDiagnostic(diagnostic, FileLocation(file.Path, text, diagnostic.Span)));
                }
            }
        });

        // Enums, and tables whose generated names collide (needs every table: compilation end).
        context.RegisterCompilationStartAction(static start =>
        {
            var enumTables = new ConcurrentBag<(TransitionTable Table, Location Location)>();
            start.RegisterSymbolAction(
                ctx =>
                {
                    if (ctx.Symbol is not INamedTypeSymbol { TypeKind: TypeKind.Enum } type ||
                        EnumTableReader.FindMachineAttribute(type) is not { } machine)
                    {
                        return;
                    }

                    var diagnostics = new List<TableDiagnostic>();
                    var table = EnumTableReader.Read(type, machine, diagnostics, ctx.CancellationToken);
                    var tree = type.Locations.FirstOrDefault(l => l.IsInSource)?.SourceTree;
                    foreach (var diagnostic in diagnostics)
                    {
                        ctx.ReportDiagnostic(Descriptors.ToDiagnostic(diagnostic, EnumLocation(tree, type, diagnostic.Span)));
                    }

                    enumTables.Add((table, EnumLocation(tree, type, table.NameSpan.IsEmpty ? table.Span : table.NameSpan)));
                },
                SymbolKind.NamedType);

            start.RegisterCompilationEndAction(ctx =>
            {
                var tables = new List<(TransitionTable Table, Location Location)>(enumTables);
                foreach (var file in ctx.Options.AdditionalFiles)
                {
                    if (!TableParser.IsTableFile(file.Path) || file.GetText(ctx.CancellationToken) is not { } text)
                    {
                        continue;
                    }

                    var result = TableParser.Parse(file.Path, text.ToString());
                    if (result.Table is { } table)
                    {
                        tables.Add((table, FileLocation(file.Path, text, table.NameSpan.IsEmpty ? table.Span : table.NameSpan)));
                    }
                }

                var owners = new Dictionary<string, List<int>>(StringComparer.Ordinal);
                for (var i = 0; i < tables.Count; i++)
                {
                    foreach (var name in ModelBuilder.GeneratedNames(tables[i].Table).Distinct())
                    {
                        if (!owners.TryGetValue(name, out var list))
                        {
                            owners[name] = list = new List<int>();
                        }

                        list.Add(i);
                    }
                }

                var reported = new HashSet<int>();
                foreach (var pair in owners.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    if (pair.Value.Count < 2)
                    {
                        continue;
                    }

                    foreach (var i in pair.Value)
                    {
                        if (!reported.Add(i))
                        {
                            continue;
                        }

                        var others = pair.Value.Where(j => j != i).Select(j => Describe(tables[j].Table));
                        ctx.ReportDiagnostic(Diagnostic.Create(
                            Descriptors.DuplicateTable,
                            tables[i].Location,
                            "Table '" + tables[i].Table.Name + "' generates '" + pair.Key + "', as does " + string.Join(", ", others) +
                            "; nothing is generated for these tables. Give each table a distinct name or namespace."));
                    }
                }
            });
        });
    }

    private static string Describe(TransitionTable table) =>
        (table.FromEnum ? "enum " + table.PhaseTypeName : "table '" + table.Name + "'") +
        (table.Path != null ? " (" + Path.GetFileName(table.Path) + ")" : "");

    internal static Location FileLocation(string path, SourceText text, SourceSpan span)
    {
        var start = Math.Min(Math.Max(span.Offset, 0), text.Length);
        var length = Math.Min(Math.Max(span.Length, 0), text.Length - start);
        var textSpan = new TextSpan(start, length);
        return Location.Create(path, textSpan, text.Lines.GetLinePositionSpan(textSpan));
    }

    private static Location EnumLocation(SyntaxTree? tree, INamedTypeSymbol type, SourceSpan span)
    {
        if (tree == null || span.IsEmpty)
        {
            return type.Locations.FirstOrDefault() ?? Location.None;
        }

        var length = tree.Length;
        var start = Math.Min(Math.Max(span.Offset, 0), length);
        return Location.Create(tree, new TextSpan(start, Math.Min(span.Length, length - start)));
    }
}
