using System.Collections.Concurrent;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Concurrency.Analyzers.Rules.SharedState;

/// <summary>
/// CONC305: the locking protocol a type declares, checked at every access (course topics 3.4, 3.5:
/// a lock protects data only where it is taken). A field or property marked <c>[GuardedBy(nameof(_gate))]</c>
/// (the runtime's attribute, or any attribute named <c>GuardedBy</c> whose first argument names a
/// member, as Java and Clang users write it) read or written where <c>_gate</c> is not held, and a
/// method marked <c>[RequiresLock(nameof(_gate))]</c> called where it is not held. Held: see
/// <see cref="HeldLocks"/> — enclosing <c>lock</c>/<c>Hold()</c> scopes, earlier acquisitions of the
/// block, the function's own <c>[RequiresLock]</c>, and the locks every caller of a private method
/// holds. No concurrent context is needed: the annotation is the intent. Not reported: constructors
/// of the declaring type (the object is not shared yet), initializers, <c>nameof</c>, the guarded
/// property's own accessors, and attributes that name no field or property of the type.
/// One diagnostic per statement and member, at the first access.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class GuardedAccessAnalyzer : DiagnosticAnalyzer
{
    private static readonly SyntaxNameIndex AttributeIndex = new(new[] { "GuardedBy", "GuardedByAttribute", "RequiresLock", "RequiresLockAttribute" }, token =>
        token.Parent is IdentifierNameSyntax { Parent: AttributeSyntax or QualifiedNameSyntax { Parent: AttributeSyntax } } name ? name : null);

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(RuleDescriptors.GuardedAccess, RuleDescriptors.RequiresLockCall);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            // Only a compilation that declares the attributes somewhere, or references the runtime's, can have a protocol to check.
            var compilation = start.Compilation;
            var declares = new Lazy<bool>(() => compilation.GetTypeByMetadataName(KnownTypes.Runtime.GuardedByAttribute) is { DeclaringSyntaxReferences.IsEmpty: true }
                || compilation.SyntaxTrees.Any(tree => AttributeIndex.For(compilation).Of(tree, CancellationToken.None).Length > 0));
            var protocol = new Protocol(HeldLocks.For(compilation));
            start.RegisterOperationBlockAction(block =>
            {
                if (declares.Value)
                {
                    Analyze(block, protocol);
                }
            });
        });
    }

    private static void Analyze(OperationBlockAnalysisContext context, Protocol protocol)
    {
        var reported = new HashSet<(SyntaxNode Statement, ISymbol Member)>();
        foreach (var operation in context.OperationBlocks.SelectMany(b => b.DescendantsAndSelf()))
        {
            switch (operation)
            {
                case IMemberReferenceOperation { Member: IFieldSymbol or IPropertySymbol } access when protocol.GuardOf(access.Member) is { } guard
                    && !IsExempt(access, context.OwningSymbol):
                    Check(context, protocol, access, access.Member, guard, RuleDescriptors.GuardedAccess, reported);
                    break;
                case IInvocationOperation call:
                    foreach (var name in protocol.RequiredBy(call.TargetMethod))
                    {
                        Check(context, protocol, call, call.TargetMethod, name, RuleDescriptors.RequiresLockCall, reported);
                    }

                    break;
            }
        }
    }

    private static void Check(OperationBlockAnalysisContext context, Protocol protocol, IOperation site, ISymbol member, string lockName, DiagnosticDescriptor descriptor, HashSet<(SyntaxNode, ISymbol)> reported)
    {
        if (member.ContainingType is not { } type
            || HeldLocks.KeyOfMember(type, lockName) is not { } lockKey
            || protocol.Held.IsHeld(site, HeldLocks.Key(lockKey, InstanceOf(site)), context.CancellationToken))
        {
            return;
        }

        var statement = site.Syntax.FirstAncestorOrSelf<StatementSyntax>();
        if (statement is not null && !reported.Add((statement, member.OriginalDefinition)))
        {
            return;
        }

        var fix = GuardedAccessFixes.For(site, statement, type, lockName);
        var location = site is IInvocationOperation { Syntax: InvocationExpressionSyntax invocation } ? invocation.Expression.GetLocation() : site.Syntax.GetLocation();
        context.ReportDiagnostic(Diagnostic.Create(descriptor, location, fix.ToProperties(), member.Name, lockName));
    }

    private static IOperation? InstanceOf(IOperation site) => site switch
    {
        IMemberReferenceOperation access => access.Instance,
        IInvocationOperation call => call.Instance,
        _ => null,
    };

    // The declaring type's constructors (the object is not shared yet), initializers, nameof, a property's own accessors.
    private static bool IsExempt(IMemberReferenceOperation access, ISymbol owner)
    {
        if (OperationHelpers.IsInsideNameOf(access) || owner is IFieldSymbol or IPropertySymbol)
        {
            return true;
        }

        var member = access.Member.OriginalDefinition;
        return owner is IMethodSymbol method
            && (SymbolEqualityComparer.Default.Equals(method.AssociatedSymbol?.OriginalDefinition, member)
                || method.MethodKind is MethodKind.Constructor or MethodKind.StaticConstructor
                    && SymbolEqualityComparer.Default.Equals(method.ContainingType.OriginalDefinition, member.ContainingType.OriginalDefinition)
                    && OperationHelpers.EnclosingFunction(access) is null
                    && access.Instance is null or IInstanceReferenceOperation);
    }

    /// <summary>The guards of the members referenced, read from their attributes once each.</summary>
    private sealed class Protocol
    {
        private readonly ConcurrentDictionary<ISymbol, string?> _guards = new(SymbolEqualityComparer.Default);
        private readonly ConcurrentDictionary<IMethodSymbol, ImmutableArray<string>> _required = new(SymbolEqualityComparer.Default);

        public Protocol(HeldLocks held)
        {
            Held = held;
        }

        public HeldLocks Held { get; }

        /// <summary>The lock names a method's <c>[RequiresLock]</c> give (none for nearly every method), read once per method.</summary>
        public ImmutableArray<string> RequiredBy(IMethodSymbol method) =>
            _required.GetOrAdd(method.OriginalDefinition, m => HeldLocks.RequiredBy(m).Distinct().ToImmutableArray());

        /// <summary>The lock name a member's <c>[GuardedBy]</c> gives, or null.</summary>
        public string? GuardOf(ISymbol member) => _guards.GetOrAdd(member.OriginalDefinition, m =>
            m.GetAttributes()
                .Where(a => a.AttributeClass?.Name is "GuardedByAttribute" or "GuardedBy")
                .Select(a => a.ConstructorArguments.FirstOrDefault().Value as string)
                .FirstOrDefault(name => !string.IsNullOrEmpty(name)));
    }
}
