using System.Collections.Concurrent;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Concurrency.Analyzers.Rules.Locks;

/// <summary>
/// CONC102: a non-reentrant lock acquired again while the same code path holds it — the course's
/// self-deadlock. Non-reentrant: the runtime's <c>Lock</c>, a <c>SemaphoreSlim</c> created with one
/// slot, a <c>ReaderWriterLockSlim</c> without recursion (it throws instead of hanging). Found
/// inside the regions that hold a lock (<c>using (x.Hold())</c>, <c>using var h = x.Hold();</c>, an
/// acquisition followed by <c>try</c>/<c>finally</c> release), directly or through calls on the same
/// instance (or static calls) to methods of the compilation, and through the accessors of its
/// properties and indexers (<see cref="InstanceLockSummaries"/>, up to
/// <see cref="CallGraphSummaries{TKey}.MaxDepth"/> calls deep).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SelfDeadlockAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(RuleDescriptors.SelfDeadlock);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            var locks = LockSymbols.For(start.Compilation);
            if (locks.RuntimeLock is null && locks.SemaphoreSlim is null && locks.ReaderWriterLockSlim is null)
            {
                return;
            }

            var analysis = new Analysis(start.Compilation, locks);
            start.RegisterSemanticModelAction(model => analysis.Analyze(model.SemanticModel, model.ReportDiagnostic, model.CancellationToken));
        });
    }

    private sealed class Analysis
    {
        private readonly LockSymbols _locks;
        private readonly InstanceLockSummaries _summaries;
        private readonly LockFactsCollector _collector;
        private readonly ConcurrentDictionary<LockId, bool> _nonReentrant = new();

        public Analysis(Compilation compilation, LockSymbols locks)
        {
            _locks = locks;
            _summaries = InstanceLockSummaries.For(compilation);
            _collector = LockFactsCollector.For(compilation);
        }

        /// <summary>
        /// The lock facts of a tree's members (shared with CONC101, one walk per body): locks acquired
        /// again where they are held, and calls on this instance made while holding a lock that the
        /// callee takes again.
        /// </summary>
        public void Analyze(SemanticModel model, Action<Diagnostic> reportDiagnostic, CancellationToken cancellationToken)
        {
            // A site inside several nested regions of the same lock is reported once.
            var reported = new HashSet<Location>();
            foreach (var facts in _collector.CollectTree(model, cancellationToken).SelectMany(member => member))
            {
                foreach (var reentry in facts.Reentries)
                {
                    var site = reentry.Site.GetLocation();
                    if (reentry.OnThis && IsNonReentrant(reentry.Field, cancellationToken) && reported.Add(site))
                    {
                        reportDiagnostic(Create(site, reentry.Field, reentry.Outer, "'" + reentry.Site + "'"));
                    }
                }

                foreach (var call in facts.HeldCalls)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (call.OnThis && !reported.Contains(call.Location) && IsNonReentrant(call.Held, cancellationToken)
                        && _summaries.Of(call.Callee, cancellationToken).Chain(call.Held) is { } chain)
                    {
                        reported.Add(call.Location);
                        reportDiagnostic(Create(call.Location, call.Held, call.Outer, $"{InstanceCalls.Step(call.Callee)} → {chain}"));
                    }
                }
            }
        }

        private Diagnostic Create(Location site, LockId held, SyntaxNode acquisition, string how) =>
            Diagnostic.Create(
                RuleDescriptors.SelfDeadlock,
                site,
                new[] { acquisition.GetLocation() },
                new SelfDeadlockFix(TaskSymbols.Is(held.Field?.Type, _locks.RuntimeLock) ? SelfDeadlockFixKind.RLock : SelfDeadlockFixKind.None).ToProperties(),
                held.Name,
                how);

        /// <summary>
        /// The runtime's threading and inter-process Lock; a runtime semaphore (bounded or not,
        /// threading or inter-process) or a SemaphoreSlim created with one free slot; a
        /// ReaderWriterLockSlim created without LockRecursionPolicy.SupportsRecursion. Only a field
        /// tells how it was created (and <c>lock</c> on this or a type object is a reentrant Monitor).
        /// </summary>
        private bool IsNonReentrant(LockId held, CancellationToken cancellationToken) => _nonReentrant.GetOrAdd(held, id =>
        {
            if (id.Field is not { } f)
            {
                return false;
            }

            if (_locks.IsNonReentrantRuntimeLock(f.Type))
            {
                return true;
            }

            var initializer = f.DeclaringSyntaxReferences.Select(r => r.GetSyntax(cancellationToken)).OfType<VariableDeclaratorSyntax>()
                .Select(v => v.Initializer?.Value).FirstOrDefault(v => v is not null);
            var arguments = initializer switch
            {
                ObjectCreationExpressionSyntax creation => creation.ArgumentList?.Arguments,
                ImplicitObjectCreationExpressionSyntax creation => creation.ArgumentList.Arguments,
                _ => null,
            };
            if (arguments is null)
            {
                return false;
            }

            if (TaskSymbols.Is(f.Type, _locks.SemaphoreSlim))
            {
                return arguments.Value.Count >= 1 && arguments.Value[0].Expression is LiteralExpressionSyntax { Token.ValueText: "1" };
            }

            if (_locks.IsRuntimeSemaphore(f.Type))
            {
                // Python's default: Semaphore(value=1).
                return arguments.Value.Count == 0 || arguments.Value[0].Expression is LiteralExpressionSyntax { Token.ValueText: "1" };
            }

            return TaskSymbols.Is(f.Type, _locks.ReaderWriterLockSlim)
                && !arguments.Value.Any(a => a.Expression.ToString().EndsWith("SupportsRecursion", StringComparison.Ordinal));
        });
    }
}
