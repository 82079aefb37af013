using Concurrency.Analyzers.Model.Workers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Concurrency.Analyzers.Rules.Lifecycle;

/// <summary>
/// CONC208: an async lambda, async anonymous method or <c>async void</c> method group handed to a
/// worker API that takes a <c>void</c> delegate — a thread, a process, <c>Parallel.For/ForEach/Invoke</c>,
/// <c>List&lt;T&gt;.ForEach</c>, a timer, the thread pool, <c>new Task</c>. The delegate is async
/// void: the worker, and whoever joins it, is done at the first await; an exception after it ends
/// the process. Event handlers other than a timer's <c>Elapsed</c> are left alone (the event
/// requires them), and so are async functions converted to <c>Func&lt;Task&gt;</c> and the like.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class AsyncLambdaAsVoidDelegateAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(RuleDescriptors.AsyncLambdaAsVoidDelegate);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            var targets = new Targets(start.Compilation);
            start.RegisterSyntaxNodeAction(
                node => AnalyzeFunction(node, targets),
                SyntaxKind.SimpleLambdaExpression,
                SyntaxKind.ParenthesizedLambdaExpression,
                SyntaxKind.AnonymousMethodExpression);
            start.RegisterSyntaxNodeAction(node => AnalyzeMethodGroup(node, targets), SyntaxKind.Argument);
        });
    }

    private static void AnalyzeFunction(SyntaxNodeAnalysisContext context, Targets targets)
    {
        var function = (AnonymousFunctionExpressionSyntax)context.Node;
        if (!function.AsyncKeyword.IsKind(SyntaxKind.AsyncKeyword) || !IsHandedOver(function))
        {
            return;
        }

        var operation = context.SemanticModel.GetOperation(function, context.CancellationToken) switch
        {
            IDelegateCreationOperation creation => creation.Target,
            var other => other,
        };
        if (operation is IAnonymousFunctionOperation lambda)
        {
            Analyze(context, targets, lambda, function.AsyncKeyword.GetLocation());
        }
    }

    private static void AnalyzeMethodGroup(SyntaxNodeAnalysisContext context, Targets targets)
    {
        // Only source methods are known to be async: a name no async void method or local function
        // of the compilation has costs no binding.
        var argument = (ArgumentSyntax)context.Node;
        var name = argument.Expression switch
        {
            SimpleNameSyntax simple => simple.Identifier.ValueText,
            MemberAccessExpressionSyntax { Name: var member } => member.Identifier.ValueText,
            _ => null,
        };
        if (name is null || argument.Parent?.Parent is not (InvocationExpressionSyntax or BaseObjectCreationExpressionSyntax)
            || !targets.AsyncVoidNames(context.CancellationToken).Contains(name))
        {
            return;
        }

        if (context.SemanticModel.GetOperation(argument, context.CancellationToken) is not IArgumentOperation { Value: var value })
        {
            return;
        }

        while (value is IConversionOperation or IDelegateCreationOperation)
        {
            value = value is IConversionOperation conversion ? conversion.Operand : ((IDelegateCreationOperation)value).Target;
        }

        if (value is IMethodReferenceOperation { Method: { IsAsync: true, ReturnsVoid: true } } reference)
        {
            Analyze(context, targets, reference, argument.Expression.GetLocation());
        }
    }

    private static void Analyze(SyntaxNodeAnalysisContext context, Targets targets, IOperation function, Location location)
    {
        if (DelegateTypeOf(function) is not { DelegateInvokeMethod.ReturnsVoid: true } || targets.HandedTo(function) is not { } handedTo)
        {
            return;
        }

        // Nothing waits for a timer callback or a queued work item: there the danger is only the
        // crash, and a body that catches every exception (the safe async void) has none.
        if (targets.IsFireAndForget(function) && TaskObservation.CatchesEverything(function, context.CancellationToken))
        {
            return;
        }

        var fix = function is IAnonymousFunctionOperation ? targets.FixFor(handedTo, context.ContainingSymbol) : AsyncLambdaAsVoidDelegateFixKind.None;
        context.ReportDiagnostic(Diagnostic.Create(
            RuleDescriptors.AsyncLambdaAsVoidDelegate,
            location,
            new AsyncLambdaAsVoidDelegateFix(fix).ToProperties(),
            "'" + Targets.Describe(handedTo) + "'"));
    }

    // The syntax a function must sit in to be handed to a call, a creation or an event: an argument
    // or the right of '+=', through parentheses and casts.
    private static bool IsHandedOver(SyntaxNode function)
    {
        var current = function.Parent;
        while (current is ParenthesizedExpressionSyntax or CastExpressionSyntax)
        {
            current = current.Parent;
        }

        return current is ArgumentSyntax || current is AssignmentExpressionSyntax assignment && assignment.IsKind(SyntaxKind.AddAssignmentExpression);
    }

    // Where a method or local function is declared 'async void': what a method group argument can name.
    private static readonly SyntaxNameIndex AsyncDeclarations = new(new[] { "async" }, AsyncVoidDeclaration);

    private static SyntaxNode? AsyncVoidDeclaration(SyntaxToken token)
    {
        if (!token.IsKind(SyntaxKind.AsyncKeyword))
        {
            return null;
        }

        var returnType = token.Parent switch
        {
            MethodDeclarationSyntax method => method.ReturnType,
            LocalFunctionStatementSyntax local => local.ReturnType,
            _ => null,
        };
        return returnType is PredefinedTypeSyntax predefined && predefined.Keyword.IsKind(SyntaxKind.VoidKeyword) ? token.Parent : null;
    }

    private static INamedTypeSymbol? DelegateTypeOf(IOperation function)
    {
        for (var current = function.Parent; current is IDelegateCreationOperation or IConversionOperation; current = current.Parent)
        {
            if (current is IDelegateCreationOperation { Type: INamedTypeSymbol type })
            {
                return type;
            }
        }

        return null;
    }

    /// <summary>The APIs of one compilation that run a void delegate on a worker, and their async counterparts.</summary>
    private sealed class Targets
    {
        private readonly Compilation _compilation;
        private ImmutableHashSet<string>? _asyncVoidNames;
        private readonly EntryPoints _entryPoints;
        private readonly INamedTypeSymbol? _list;
        private readonly INamedTypeSymbol? _array;
        private readonly INamedTypeSymbol? _parallel;
        private readonly bool _hasForEachAsync;
        private readonly bool _hasForAsync;

        public Targets(Compilation compilation)
        {
            _compilation = compilation;
            _entryPoints = EntryPoints.For(compilation);
            _list = compilation.GetTypeByMetadataName(KnownTypes.Bcl.ListOfT);
            _array = compilation.GetTypeByMetadataName(KnownTypes.Bcl.Array);
            _parallel = compilation.GetTypeByMetadataName(KnownTypes.Bcl.Parallel);
            _hasForEachAsync = _parallel?.GetMembers("ForEachAsync").Any() == true;
            _hasForAsync = _parallel?.GetMembers("ForAsync").Any() == true;
        }

        /// <summary>
        /// The names of the compilation's <c>async void</c> methods and local functions, found once from
        /// the text (the word <c>async</c>) of every tree: a method group of any other name needs no
        /// binding, and most compilations have a handful of them or none.
        /// </summary>
        public ImmutableHashSet<string> AsyncVoidNames(System.Threading.CancellationToken cancellationToken)
        {
            if (System.Threading.Volatile.Read(ref _asyncVoidNames) is { } known)
            {
                return known;
            }

            var names = ImmutableHashSet.CreateBuilder<string>(StringComparer.Ordinal);
            var sites = AsyncDeclarations.For(_compilation);
            foreach (var tree in _compilation.SyntaxTrees)
            {
                var starts = sites.Of(tree, cancellationToken);
                if (starts.Length == 0)
                {
                    continue;
                }

                var root = tree.GetRoot(cancellationToken);
                foreach (var start in starts)
                {
                    switch (root.FindToken(start).Parent?.FirstAncestorOrSelf<SyntaxNode>(n => n is MethodDeclarationSyntax or LocalFunctionStatementSyntax))
                    {
                        case MethodDeclarationSyntax method:
                            names.Add(method.Identifier.ValueText);
                            break;
                        case LocalFunctionStatementSyntax local:
                            names.Add(local.Identifier.ValueText);
                            break;
                    }
                }
            }

            System.Threading.Interlocked.CompareExchange(ref _asyncVoidNames, names.ToImmutable(), null);
            return _asyncVoidNames!;
        }

        /// <summary>The creation, call or event subscription that runs <paramref name="function"/> on a worker (or once per element), or null.</summary>
        /// <summary>Whether the function goes to an API that never waits for it: a timer or the thread pool.</summary>
        public bool IsFireAndForget(IOperation function) =>
            _entryPoints.Of(function) is { Kind: EntryPointKind.Timer or EntryPointKind.ThreadPool };

        public IOperation? HandedTo(IOperation function)
        {
            if (_entryPoints.Of(function) is { } entry)
            {
                return entry.HandedTo;
            }

            var current = function.Parent;
            while (current is IDelegateCreationOperation or IConversionOperation)
            {
                current = current.Parent;
            }

            return current is IArgumentOperation { Parent: IInvocationOperation { TargetMethod: { Name: "ForEach" } target } call }
                && (TaskSymbols.Is(target.ContainingType?.OriginalDefinition, _list) || TaskSymbols.Is(target.ContainingType, _array))
                ? call
                : null;
        }

        /// <summary>How the target reads in a message: <c>Parallel.ForEach</c>, <c>new Thread(…)</c>, <c>Timer.Elapsed</c>.</summary>
        public static string Describe(IOperation handedTo) => handedTo switch
        {
            IInvocationOperation call => call.TargetMethod.ContainingType.Name + "." + call.TargetMethod.Name,
            IObjectCreationOperation creation => "new " + creation.Type?.Name + "(...)",
            IEventAssignmentOperation { EventReference: IEventReferenceOperation reference } => reference.Event.ContainingType.Name + "." + reference.Event.Name,
            _ => handedTo.Syntax.ToString(),
        };

        /// <summary>The async counterpart of <paramref name="handedTo"/> the fixer may write, when the call is a statement of an async function.</summary>
        public AsyncLambdaAsVoidDelegateFixKind FixFor(IOperation handedTo, ISymbol? containingSymbol)
        {
            if (handedTo is not IInvocationOperation { Parent: IExpressionStatementOperation, TargetMethod: var target } call
                || !TaskSymbols.Is(target.ContainingType, _parallel)
                || containingSymbol is null
                || !AsyncCode.IsInAsyncCode(call, containingSymbol)
                || !AsyncCode.CanAwaitAt(call)
                || call.Arguments.Length != target.Parameters.Length
                || call.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == target.Parameters.Length - 1)?.Syntax is not ArgumentSyntax { Expression: AnonymousFunctionExpressionSyntax })
            {
                return AsyncLambdaAsVoidDelegateFixKind.None;
            }

            var parameters = target.Parameters;
            var body = parameters.Last().Type as INamedTypeSymbol;
            if (body?.DelegateInvokeMethod is not { Parameters.Length: 1 } invoke || body.Name != "Action")
            {
                return AsyncLambdaAsVoidDelegateFixKind.None;
            }

            if (target.Name == "ForEach" && _hasForEachAsync
                && parameters.Length is 2 or 3
                && parameters[0].Type.OriginalDefinition.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T
                && (parameters.Length == 2 || parameters[1].Type.Name == "ParallelOptions"))
            {
                return AsyncLambdaAsVoidDelegateFixKind.ForEachAsync;
            }

            var index = invoke.Parameters[0].Type;
            if (target.Name == "For" && _hasForAsync
                && parameters.Length is 3 or 4
                && (parameters.Length == 3 || parameters[2].Type.Name == "ParallelOptions")
                && call.Arguments.Where(a => a.Parameter?.Ordinal is 0 or 1).Count() == 2
                && call.Arguments.Where(a => a.Parameter?.Ordinal is 0 or 1).All(a => InfersAs(a.Value, index)))
            {
                return AsyncLambdaAsVoidDelegateFixKind.ForAsync;
            }

            return AsyncLambdaAsVoidDelegateFixKind.None;
        }

        // Whether ForAsync<T> infers T as the index type of the For overload bound: the argument is of
        // that type, or an int constant where it is long (inference takes the wider of int and long).
        private static bool InfersAs(IOperation argument, ITypeSymbol index)
        {
            var natural = argument is IConversionOperation { IsImplicit: true } conversion ? conversion.Operand : argument;
            return SymbolEqualityComparer.Default.Equals(natural.Type, index)
                || index.SpecialType == SpecialType.System_Int64 && natural.Type?.SpecialType == SpecialType.System_Int32 && natural.ConstantValue.HasValue;
        }
    }
}
