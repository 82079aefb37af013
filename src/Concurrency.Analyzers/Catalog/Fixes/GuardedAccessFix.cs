using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Concurrency.Analyzers.Catalog.Fixes;

/// <summary>The fixes of CONC305.</summary>
internal enum GuardedAccessFixKind
{
    /// <summary>The statement cannot be wrapped (a declaration, an await, an expression body), or the lock is not one a statement can take: the user's (see the rule's page).</summary>
    None,

    /// <summary><c>stmt;</c> → <c>lock (gate) { stmt; }</c>.</summary>
    Lock,

    /// <summary>A runtime primitive: <c>stmt;</c> → <c>using (gate.Hold()) { stmt; }</c>.</summary>
    Hold,
}

/// <summary>What CONC305's analyzer tells its fixer: how to take the lock, and the lock as it is written at the site.</summary>
internal readonly struct GuardedAccessFix
{
    private const string GateKey = "Gate";

    public GuardedAccessFix(GuardedAccessFixKind kind, string gate)
    {
        Kind = kind;
        Gate = gate;
    }

    public GuardedAccessFixKind Kind { get; }

    /// <summary>The lock expression: <c>_gate</c>, <c>other._gate</c>, <c>this</c>.</summary>
    public string Gate { get; }

    public static GuardedAccessFix None { get; } = new(GuardedAccessFixKind.None, string.Empty);

    /// <summary>The diagnostic properties that carry this fix.</summary>
    public ImmutableDictionary<string, string?> ToProperties()
    {
        var properties = FixKindProperty.Write(Kind);
        properties.Add(GateKey, Gate);
        return properties.ToImmutable();
    }

    /// <summary>The fix <paramref name="diagnostic"/> carries; false when its properties are missing or garbled.</summary>
    public static bool TryRead(Diagnostic diagnostic, out GuardedAccessFix fix)
    {
        // The no-fix kind needs no gate; the others need one.
        var read = FixKindProperty.TryRead(diagnostic, out GuardedAccessFixKind kind)
            && (kind == GuardedAccessFixKind.None || diagnostic.Properties.TryGetValue(GateKey, out var gate) && gate is { Length: > 0 });
        fix = !read ? None : kind == GuardedAccessFixKind.None ? None : new GuardedAccessFix(kind, diagnostic.Properties[GateKey]!);
        return read;
    }
}

/// <summary>The analyzer's side of CONC305's fix: whether the statement of an access can be wrapped, and in what.</summary>
internal static class GuardedAccessFixes
{
    /// <summary>The fix for <paramref name="site"/> (an access or a call) in <paramref name="statement"/>, guarded by the member <paramref name="lockName"/> of <paramref name="type"/>.</summary>
    public static GuardedAccessFix For(IOperation site, StatementSyntax? statement, INamedTypeSymbol type, string lockName)
    {
        if (!CanWrap(statement)
            || KindOf(type, lockName, site.SemanticModel?.Compilation, site.SemanticModel, statement!.SpanStart) is not { } kind)
        {
            return GuardedAccessFix.None;
        }

        return new GuardedAccessFix(kind, GateAt(site, lockName));
    }

    /// <summary>Whether a lock scope can be put around <paramref name="statement"/>: a statement of a block, not a declaration, with no await or yield of its own.</summary>
    public static bool CanWrap(StatementSyntax? statement) =>
        statement is { Parent: BlockSyntax } and not (LocalDeclarationStatementSyntax or LocalFunctionStatementSyntax)
        && !statement.DescendantNodesAndSelf(n => n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)).Any(n => n is AwaitExpressionSyntax or YieldStatementSyntax);

    private static GuardedAccessFixKind? KindOf(INamedTypeSymbol type, string lockName, Compilation? compilation, SemanticModel? model, int position)
    {
        if (lockName == "this")
        {
            return GuardedAccessFixKind.Lock;
        }

        var gateType = HeldLocks.LockMember(type, lockName)?.GetSymbolType();

        if (gateType is null || compilation is null)
        {
            return null;
        }

        var acquirable = compilation.GetTypeByMetadataName(KnownTypes.Runtime.IAcquirable);
        if (acquirable is not null && (TaskSymbols.Is(gateType, acquirable) || gateType.AllInterfaces.Any(i => TaskSymbols.Is(i, acquirable))))
        {
            // A runtime primitive is held through Hold(), an extension that must be in scope; its monitor is not the lock.
            return model is not null && model.LookupSymbols(position, gateType, "Hold", includeReducedExtensionMethods: true).Any()
                ? GuardedAccessFixKind.Hold
                : null;
        }

        // A lock statement takes any reference type but the waits with their own protocol.
        return gateType.IsReferenceType && gateType.ContainingNamespace?.ToDisplayString() != "System.Threading"
            || gateType.SpecialType == SpecialType.System_Object
            || gateType is { Name: "Lock", ContainingNamespace.Name: "Threading" }
                ? GuardedAccessFixKind.Lock
                : null;
    }

    // The lock as the site must write it: 'other._gate' for an access of another object's member.
    private static string GateAt(IOperation site, string lockName)
    {
        var instance = site switch
        {
            IMemberReferenceOperation access => access.Instance,
            IInvocationOperation call => call.Instance,
            _ => null,
        };
        var own = instance is null or IInstanceReferenceOperation || instance.IsImplicit;
        return own ? lockName
            : lockName == "this" ? instance!.Syntax.ToString()
            : instance!.Syntax + "." + lockName;
    }
}
