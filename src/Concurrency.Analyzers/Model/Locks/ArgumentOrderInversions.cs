using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Concurrency.Analyzers.Model.Locks;

/// <summary>
/// The bank-transfer deadlock: <c>Transfer(Account from, Account to) { lock (from.Gate) { lock (to.Gate) … } }</c>
/// called as <c>Transfer(a, b)</c> in one place and <c>Transfer(b, a)</c> in another — each call holds
/// one account and waits for the other. The methods that lock two parameters one inside the other
/// (without ordering them first) come from the lock facts; their calls are found by name in the
/// trees' text, then bound. Arguments are the same object when they name the same local, parameter
/// or field (of the same receiver). Two arguments of one type that name no such thing
/// (<c>accounts[i]</c>, <c>t.From</c>) are reported when copies of the calling body run at once — a
/// <c>Parallel</c> body, a timer callback, or a thread, task or work item started in a loop (the
/// dining philosophers: each copy may hold what the next waits for).
/// </summary>
internal static class ArgumentOrderInversions
{
    /// <summary>A call that passes two objects in the order another call reverses.</summary>
    public sealed class Inversion
    {
        public Inversion(Location site, string held, string taken, Location other, string otherMember)
        {
            Site = site;
            Held = held;
            Taken = taken;
            Other = other;
            OtherMember = otherMember;
        }

        public Location Site { get; }

        /// <summary>The argument whose lock the callee holds, as written at this call.</summary>
        public string Held { get; }

        /// <summary>The argument whose lock it then takes.</summary>
        public string Taken { get; }

        /// <summary>The call with the other order.</summary>
        public Location Other { get; }

        /// <summary><c>Type.Member</c> of the code that makes the other call.</summary>
        public string OtherMember { get; }
    }

    public static List<Inversion> Find(Compilation compilation, IEnumerable<MethodLockFacts> all, IEnumerable<SyntaxTree> trees, CancellationToken cancellationToken)
    {
        var ordered = new Dictionary<IMethodSymbol, List<ParameterOrder>>(SymbolEqualityComparer.Default);
        foreach (var facts in all)
        {
            if (facts.Owner is IMethodSymbol method && facts.ParameterOrders.Count > 0)
            {
                foreach (var order in facts.ParameterOrders)
                {
                    ordered.AddToList(method, order);
                }
            }
        }

        var result = new List<Inversion>();
        if (ordered.Count == 0)
        {
            return result;
        }

        var names = new HashSet<string>(ordered.Keys.Select(m => m.Name), StringComparer.Ordinal);
        var entryPoints = Workers.EntryPoints.For(compilation);
        var calls = new List<Call>();
        foreach (var tree in trees.OrderBy(t => t.FilePath, StringComparer.Ordinal))
        {
            var text = tree.GetText(cancellationToken).ToString();
            if (!names.Any(name => text.IndexOf(name, StringComparison.Ordinal) >= 0))
            {
                continue;
            }

            SemanticModel? model = null;
            foreach (var syntax in tree.GetRoot(cancellationToken).DescendantNodes().OfType<InvocationExpressionSyntax>())
            {
                cancellationToken.ThrowIfCancellationRequested();
                var name = syntax.Expression switch
                {
                    IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
                    MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText,
                    _ => null,
                };
                if (name is null || !names.Contains(name))
                {
                    continue;
                }

                model ??= ModelOf(compilation, tree);
                if (model.GetOperation(syntax, cancellationToken) is IInvocationOperation invocation
                    && ordered.TryGetValue(CallTargets.BodyOwner(invocation.TargetMethod), out var orders))
                {
                    foreach (var order in orders)
                    {
                        if (Argument(invocation, order.Held) is not { } held || Argument(invocation, order.Taken) is not { } taken)
                        {
                            continue;
                        }

                        if (held.Key is not null && taken.Key is not null)
                        {
                            if (!held.Key.Equals(taken.Key))
                            {
                                calls.Add(new Call(order, invocation, (held.Key, held.Text), (taken.Key, taken.Text), model.GetEnclosingSymbol(syntax.SpanStart, cancellationToken)));
                            }
                        }
                        else if (ConcurrentCopies(invocation, entryPoints) is { } body && SymbolEqualityComparer.Default.Equals(held.Type, taken.Type))
                        {
                            // Two objects of one type chosen at run time, by copies of one body running at
                            // once (Parallel, a timer, workers started in a loop): one copy may pass (a, b) while another passes (b, a).
                            result.Add(new Inversion(invocation.Syntax.GetLocation(), held.Text, taken.Text, body.HandedTo.Syntax.GetLocation(), body.IsStartedInALoop && body.Kind is not (Workers.EntryPointKind.Parallel or Workers.EntryPointKind.Timer) ? $"another {body.Kind.ToString().ToLowerInvariant()} started by the same loop" : $"another run of this {body.Kind} body"));
                        }
                    }
                }
            }
        }

        foreach (var call in calls)
        {
            if (calls.FirstOrDefault(other => ReferenceEquals(other.Order, call.Order) && other.Held.Key.Equals(call.Taken.Key) && other.Taken.Key.Equals(call.Held.Key)) is { } reverse)
            {
                var site = call.Invocation.Syntax.GetLocation();
                result.Add(new Inversion(site, call.Held.Text, call.Taken.Text, reverse.Invocation.Syntax.GetLocation(), Member(reverse.Caller)));
            }
        }

        return result;
    }

#pragma warning disable RS1030 // At compilation end, the calls may be in any tree: the driver's compilation hands out its cached models.
    private static SemanticModel ModelOf(Compilation compilation, SyntaxTree tree) => compilation.GetSemanticModel(tree);
#pragma warning restore RS1030

    private static string Member(ISymbol? caller)
    {
        for (var symbol = caller; symbol is not null; symbol = symbol.ContainingSymbol)
        {
            if (symbol is IMethodSymbol { MethodKind: not (MethodKind.AnonymousFunction or MethodKind.LocalFunction) } method)
            {
                return $"{method.ContainingType?.Name}.{(method.AssociatedSymbol ?? method).Name}";
            }
        }

        return caller?.Name ?? string.Empty;
    }

    // The argument bound to a parameter: which object it is (when it names one), its text and type.
    private static (ArgumentKey? Key, string Text, ITypeSymbol? Type)? Argument(IInvocationOperation invocation, IParameterSymbol parameter)
    {
        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter is { } bound && bound.Ordinal == parameter.Ordinal && argument.ArgumentKind != ArgumentKind.DefaultValue)
            {
                var value = OperationHelpers.WalkDownConversion(argument.Value);
                return (ArgumentKey.Of(value), value.Syntax.ToString(), value.Type);
            }
        }

        return null;
    }

    // The body, run in several copies at once, that makes the call: the nearest enclosing lambda, if it is one.
    private static Workers.EntryPoint? ConcurrentCopies(IOperation call, Workers.EntryPoints entryPoints)
    {
        for (var current = call.Parent; current is not null; current = current.Parent)
        {
            if (current is IAnonymousFunctionOperation lambda)
            {
                return entryPoints.Of(lambda) is { RunsConcurrentlyWithItself: true } entry ? entry : null;
            }
        }

        return null;
    }

    private sealed class Call
    {
        public Call(ParameterOrder order, IInvocationOperation invocation, (ArgumentKey Key, string Text) held, (ArgumentKey Key, string Text) taken, ISymbol? caller)
        {
            Order = order;
            Invocation = invocation;
            Held = held;
            Taken = taken;
            Caller = caller;
        }

        public ParameterOrder Order { get; }

        public IInvocationOperation Invocation { get; }

        public (ArgumentKey Key, string Text) Held { get; }

        public (ArgumentKey Key, string Text) Taken { get; }

        public ISymbol? Caller { get; }
    }

    /// <summary>Which object an argument is: a local, a parameter, or a field of a receiver (this, static, or a named one).</summary>
    private sealed class ArgumentKey : IEquatable<ArgumentKey>
    {
        private readonly ISymbol _symbol;
        private readonly ArgumentKey? _receiver;

        private ArgumentKey(ISymbol symbol, ArgumentKey? receiver)
        {
            _symbol = symbol;
            _receiver = receiver;
        }

        public static ArgumentKey? Of(IOperation value)
        {
            switch (OperationHelpers.WalkDownConversion(value))
            {
                case ILocalReferenceOperation local:
                    return new ArgumentKey(local.Local, null);
                case IParameterReferenceOperation parameter:
                    return new ArgumentKey(parameter.Parameter, null);
                case IFieldReferenceOperation field when field.Field.IsStatic || field.Instance is null or IInstanceReferenceOperation:
                    return new ArgumentKey(field.Field.OriginalDefinition, null);
                case IFieldReferenceOperation { Instance: { } instance } field:
                    return Of(instance) is { } receiver ? new ArgumentKey(field.Field.OriginalDefinition, receiver) : null;
                default:
                    return null;
            }
        }

        public bool Equals(ArgumentKey? other) =>
            other is not null && SymbolEqualityComparer.Default.Equals(_symbol, other._symbol)
            && (_receiver is null ? other._receiver is null : _receiver.Equals(other._receiver));

        public override bool Equals(object? obj) => Equals(obj as ArgumentKey);

        public override int GetHashCode() => SymbolEqualityComparer.Default.GetHashCode(_symbol);
    }
}
