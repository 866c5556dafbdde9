using System.Collections.Concurrent;
using System.Collections.Immutable;
using BuildState.Generators.Parsing;
using BuildState.Tables;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace BuildState.Generators.Analyzers;

/// <summary>
/// BST0010: a call whose <c>[TransitionFrom]</c> and <c>[TransitionTo]</c> parameters both get
/// constant arguments that the table forbids (for example
/// <c>ReleaseTransitions.EnsureCanTransition(ReleasePhase.Draft, ReleasePhase.Published)</c>). Any
/// API opts in by marking its parameters; the table is read from the phase enum's attributes
/// (generated enums carry them too), so it works across assemblies. A constant phase name that is
/// not in the table (string parameters) is BST0002. A typed state's <c>TransitionTo(target)</c>
/// marks only its target: the state it leaves is the receiver's static type
/// (<c>Release.Start().TransitionTo(ReleasePhase.Published)</c>), when that is a typed state.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class TransitionAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.IllegalTransition, Descriptors.UnknownState);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(static start =>
        {
            // One read of each phase enum's table per compilation.
            var tables = new ConcurrentDictionary<INamedTypeSymbol, TransitionTable?>(SymbolEqualityComparer.Default);
            start.RegisterOperationAction(ctx => Analyze(ctx, ((IInvocationOperation)ctx.Operation).Arguments, tables), OperationKind.Invocation);
            start.RegisterOperationAction(ctx => Analyze(ctx, ((IObjectCreationOperation)ctx.Operation).Arguments, tables), OperationKind.ObjectCreation);
        });
    }

    private static TransitionTable? ReadTable(INamedTypeSymbol phaseType, CancellationToken cancellationToken)
    {
        var machine = EnumTableReader.FindMachineAttribute(phaseType);
        if (machine == null)
        {
            return null;
        }

        var diagnostics = new List<TableDiagnostic>();
        var table = EnumTableReader.Read(phaseType, machine, diagnostics, cancellationToken);

        // A table with errors is reported where it is declared; calls against it are not checked.
        return diagnostics.Any(d => d.IsError) ? null : table;
    }

    private static void Analyze(OperationAnalysisContext ctx, ImmutableArray<IArgumentOperation> arguments, ConcurrentDictionary<INamedTypeSymbol, TransitionTable?> tables)
    {
        Endpoint? from = null;
        Endpoint? to = null;
        foreach (var argument in arguments)
        {
            if (argument.Parameter is not { } parameter)
            {
                continue;
            }

            foreach (var attribute in parameter.GetAttributes())
            {
                if (EnumTableReader.IsBuildStateAttribute(attribute.AttributeClass, KnownNames.TransitionFromAttribute))
                {
                    from = Endpoint.Create(argument, parameter, attribute);
                }
                else if (EnumTableReader.IsBuildStateAttribute(attribute.AttributeClass, KnownNames.TransitionToAttribute))
                {
                    to = Endpoint.Create(argument, parameter, attribute);
                }
            }
        }

        // A typestate's TransitionTo(target) has no [TransitionFrom] parameter: the state it leaves
        // is the receiver's, known when its static type is one of the typed states (Release.Draft).
        var receiverState = from == null && to != null ? ReceiverState(ctx.Operation) : null;
        var phaseType = from?.PhaseType ?? (receiverState != null ? to!.PhaseType : null);
        if (to == null || phaseType == null || !SymbolEqualityComparer.Default.Equals(phaseType, to.PhaseType))
        {
            return;
        }

        var table = tables.GetOrAdd(phaseType, type => ReadTable(type, ctx.CancellationToken));
        if (table == null)
        {
            return;
        }

        if (receiverState != null && table.FindState(receiverState) == null)
        {
            return; // not a state of this table after all
        }

        var fromName = from != null ? from.StateName(table) : receiverState;
        var toName = to.StateName(table);
        foreach (var endpoint in from != null ? new[] { from, to } : new[] { to })
        {
            var name = endpoint.StateName(table);
            if (name != null && table.FindState(name) == null)
            {
                ctx.ReportDiagnostic(Diagnostic.Create(
                    Descriptors.UnknownState, endpoint.Argument.Syntax.GetLocation(),
                    "'" + name + "' is not a phase of the " + table.Name + " lifecycle (phases: " + string.Join(", ", table.States.Select(s => s.Name)) + ")."));
                return;
            }
        }

        if (fromName == null || toName == null || table.CanTransition(fromName, toName))
        {
            return;
        }

        var allowed = table.AllowedFrom(fromName);
        ctx.ReportDiagnostic(Diagnostic.Create(
            Descriptors.IllegalTransition,
            ctx.Operation.Syntax.GetLocation(),
            "Transition table '" + table.Name + "' does not allow " + fromName + " -> " + toName + ". " +
            (allowed.Count == 0 ? fromName + " has no legal targets." : "Legal targets of " + fromName + ": " + string.Join(", ", allowed) + ".")));
    }

    /// <summary>
    /// The state a call on a typed state leaves: the name of the receiver's static type when that is
    /// one of the sealed state classes beside the called method's abstract <c>State</c> (the
    /// generator names each after its state, as written). Null for any other call, and for a
    /// receiver typed as the abstract <c>State</c>, whose phase is known only at run time.
    /// </summary>
    private static string? ReceiverState(IOperation operation)
    {
        return operation is IInvocationOperation { Instance.Type: INamedTypeSymbol { IsSealed: true } receiver, TargetMethod.ContainingType: { IsAbstract: true, ContainingType: { } typestate } stateBase } &&
            SymbolEqualityComparer.Default.Equals(receiver.BaseType, stateBase) &&
            SymbolEqualityComparer.Default.Equals(receiver.ContainingType, typestate)
            ? receiver.Name
            : null;
    }

    private sealed class Endpoint
    {
        private Endpoint(IArgumentOperation argument, INamedTypeSymbol? phaseType, object? constant)
        {
            Argument = argument;
            PhaseType = phaseType;
            Constant = constant;
        }

        public IArgumentOperation Argument { get; }

        public INamedTypeSymbol? PhaseType { get; }

        /// <summary>The constant value (enum underlying value or phase name), or null when not constant.</summary>
        public object? Constant { get; }

        public static Endpoint Create(IArgumentOperation argument, IParameterSymbol parameter, AttributeData attribute)
        {
            INamedTypeSymbol? phaseType = null;
            if (attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is INamedTypeSymbol declared)
            {
                phaseType = declared;
            }
            else if (parameter.Type is INamedTypeSymbol { TypeKind: TypeKind.Enum } enumType)
            {
                phaseType = enumType;
            }
            else if (parameter.Type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable &&
                     nullable.TypeArguments[0] is INamedTypeSymbol { TypeKind: TypeKind.Enum } inner)
            {
                phaseType = inner;
            }

            var value = argument.Value;
            while (value is IConversionOperation conversion && value.ConstantValue is { HasValue: false })
            {
                value = conversion.Operand;
            }

            var constant = value.ConstantValue is { HasValue: true } c ? c.Value : null;
            return new Endpoint(argument, phaseType, constant);
        }

        public string? StateName(TransitionTable table)
        {
            if (Constant is string name)
            {
                return name;
            }

            if (Constant == null || PhaseType == null)
            {
                return null;
            }

            return EnumTableReader.MemberName(PhaseType, Constant) ?? "(" + PhaseType.Name + ")" + Constant;
        }
    }
}
