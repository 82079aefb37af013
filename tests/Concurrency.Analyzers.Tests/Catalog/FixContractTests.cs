using System.Collections.Immutable;
using Concurrency.Analyzers.Catalog.Fixes;
using Concurrency.Analyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Concurrency.Analyzers.Tests.Catalog;

/// <summary>
/// The contracts between each analyzer and its fixer: what an analyzer writes, the fixer reads back
/// unchanged; and a diagnostic whose properties a fixer does not understand (another version of the
/// package, a hand-made one) reads as no fix instead of a wrong one or an exception.
/// </summary>
public class FixContractTests
{
    // The key the fix kind has always had on the wire; diagnostics of earlier versions carry it too.
    private const string KindKey = "Fix";

    /// <summary>Every contract's reader, by contract name.</summary>
    private static readonly Dictionary<string, Func<Diagnostic, bool>> Readers = new()
    {
        [nameof(SelfDeadlockFix)] = d => SelfDeadlockFix.TryRead(d, out _),
        [nameof(UnreleasedLockFix)] = d => UnreleasedLockFix.TryRead(d, out _),
        [nameof(LockOrderInversionFix)] = d => LockOrderInversionFix.TryRead(d, out _),
        [nameof(SharedLockObjectFix)] = d => SharedLockObjectFix.TryRead(d, out _),
        [nameof(ConditionWaitOutsideLoopFix)] = d => ConditionWaitOutsideLoopFix.TryRead(d, out _),
        [nameof(BlockingTaskWaitFix)] = d => BlockingTaskWaitFix.TryRead(d, out _),
        [nameof(ThreadSleepInAsyncCodeFix)] = d => ThreadSleepInAsyncCodeFix.TryRead(d, out _),
        [nameof(BlockingCallInHubFix)] = d => BlockingCallInHubFix.TryRead(d, out _),
        [nameof(SyncCallWithAsyncCounterpartFix)] = d => SyncCallWithAsyncCounterpartFix.TryRead(d, out _),
        [nameof(LockHeldAcrossAwaitFix)] = d => LockHeldAcrossAwaitFix.TryRead(d, out _),
        [nameof(SerialStartJoinFix)] = d => SerialStartJoinFix.TryRead(d, out _),
        [nameof(SerialSubmitWaitFix)] = d => SerialSubmitWaitFix.TryRead(d, out _),
        [nameof(ExecutorShutdownFix)] = d => ExecutorShutdownFix.TryRead(d, out _),
        [nameof(AsyncLambdaAsVoidDelegateFix)] = d => AsyncLambdaAsVoidDelegateFix.TryRead(d, out _),
        [nameof(UnobservedTaskFix)] = d => UnobservedTaskFix.TryRead(d, out _),
        [nameof(DiscardedTaskFix)] = d => DiscardedTaskFix.TryRead(d, out _),
        [nameof(UnsynchronizedWriteFix)] = d => UnsynchronizedWriteFix.TryRead(d, out _),
        [nameof(FinallyCallFix)] = d => FinallyCallFix.TryRead(d, out _),
        [nameof(GuardedAccessFix)] = d => GuardedAccessFix.TryRead(d, out _),
        [nameof(MissingEntryGuardFix)] = d => MissingEntryGuardFix.TryRead(d, out _),
        [nameof(StopFlagFix)] = d => StopFlagFix.TryRead(d, out _),
        [nameof(CheckThenActFix)] = d => CheckThenActFix.TryRead(d, out _),
        [nameof(UnsafeCollectionFix)] = d => UnsafeCollectionFix.TryRead(d, out _),
    };

    public static TheoryData<string> Contracts()
    {
        var data = new TheoryData<string>();
        foreach (var name in Readers.Keys)
        {
            data.Add(name);
        }

        return data;
    }

    private static Diagnostic With(ImmutableDictionary<string, string?> properties) =>
        Diagnostic.Create(RuleDescriptors.SelfDeadlock, Location.None, properties);

    private static Diagnostic With(params (string Key, string? Value)[] properties) =>
        With(properties.ToImmutableDictionary(p => p.Key, p => p.Value));

    private static IEnumerable<TKind> All<TKind>()
        where TKind : struct, Enum =>
        Enum.GetValues(typeof(TKind)).Cast<TKind>();

    [Fact]
    public void Every_kind_of_the_kind_only_contracts_reads_back()
    {
        foreach (var kind in All<SelfDeadlockFixKind>())
        {
            Assert.True(SelfDeadlockFix.TryRead(With(new SelfDeadlockFix(kind).ToProperties()), out var read));
            Assert.Equal(kind, read.Kind);
        }

        foreach (var kind in All<UnreleasedLockFixKind>())
        {
            Assert.True(UnreleasedLockFix.TryRead(With(new UnreleasedLockFix(kind).ToProperties()), out var read));
            Assert.Equal(kind, read.Kind);
        }

        foreach (var kind in All<SharedLockObjectFixKind>())
        {
            Assert.True(SharedLockObjectFix.TryRead(With(new SharedLockObjectFix(kind).ToProperties()), out var read));
            Assert.Equal(kind, read.Kind);
        }

        foreach (var kind in All<ConditionWaitOutsideLoopFixKind>())
        {
            Assert.True(ConditionWaitOutsideLoopFix.TryRead(With(new ConditionWaitOutsideLoopFix(kind).ToProperties()), out var read));
            Assert.Equal(kind, read.Kind);
        }

        foreach (var kind in All<BlockingTaskWaitFixKind>())
        {
            Assert.True(BlockingTaskWaitFix.TryRead(With(new BlockingTaskWaitFix(kind).ToProperties()), out var read));
            Assert.Equal(kind, read.Kind);
        }

        foreach (var kind in All<UnobservedTaskFixKind>())
        {
            Assert.True(UnobservedTaskFix.TryRead(With(new UnobservedTaskFix(kind).ToProperties()), out var read));
            Assert.Equal(kind, read.Kind);
        }

        foreach (var kind in All<GuardedAccessFixKind>())
        {
            Assert.True(GuardedAccessFix.TryRead(With(new GuardedAccessFix(kind, "other._gate").ToProperties()), out var read));
            Assert.Equal(kind, read.Kind);
            Assert.Equal(kind == GuardedAccessFixKind.None ? string.Empty : "other._gate", read.Gate);
        }

        foreach (var kind in All<ExecutorShutdownFixKind>())
        {
            Assert.True(ExecutorShutdownFix.TryRead(With(new ExecutorShutdownFix(kind).ToProperties()), out var read));
            Assert.Equal(kind, read.Kind);
        }

        foreach (var kind in All<FinallyCallFixKind>())
        {
            Assert.True(FinallyCallFix.TryRead(With(new FinallyCallFix(kind).ToProperties()), out var read));
            Assert.Equal(kind, read.Kind);
        }

        foreach (var kind in All<UnsynchronizedWriteFixKind>())
        {
            Assert.True(UnsynchronizedWriteFix.TryRead(With(new UnsynchronizedWriteFix(kind).ToProperties()), out var read));
            Assert.Equal(kind, read.Kind);
        }

        foreach (var kind in All<DiscardedTaskFixKind>())
        {
            Assert.True(DiscardedTaskFix.TryRead(With(new DiscardedTaskFix(kind).ToProperties()), out var read));
            Assert.Equal(kind, read.Kind);
        }

        foreach (var kind in All<AsyncLambdaAsVoidDelegateFixKind>())
        {
            Assert.True(AsyncLambdaAsVoidDelegateFix.TryRead(With(new AsyncLambdaAsVoidDelegateFix(kind).ToProperties()), out var read));
            Assert.Equal(kind, read.Kind);
        }

        foreach (var kind in All<CheckThenActFixKind>())
        {
            Assert.True(CheckThenActFix.TryRead(With(new CheckThenActFix(kind).ToProperties()), out var read));
            Assert.Equal(kind, read.Kind);
        }

        foreach (var kind in All<MissingEntryGuardFixKind>())
        {
            Assert.True(MissingEntryGuardFix.TryRead(With(new MissingEntryGuardFix(kind).ToProperties()), out var read));
            Assert.Equal(kind, read.Kind);
        }

        foreach (var kind in All<StopFlagFixKind>())
        {
            Assert.True(StopFlagFix.TryRead(With(new StopFlagFix(kind).ToProperties()), out var read));
            Assert.Equal(kind, read.Kind);
        }
    }

    [Fact]
    public void An_unsafe_collection_fix_reads_back_with_its_lock_or_its_spans()
    {
        Assert.True(UnsafeCollectionFix.TryRead(With(UnsafeCollectionFix.Locked(UnsafeCollectionFixKind.NewGate, "_gate2", isStatic: true).ToProperties()), out var gate));
        Assert.Equal(UnsafeCollectionFixKind.NewGate, gate.Kind);
        Assert.Equal("_gate2", gate.Gate);
        Assert.True(gate.IsStatic);

        var spans = ImmutableArray.Create(new Microsoft.CodeAnalysis.Text.TextSpan(10, 4), new Microsoft.CodeAnalysis.Text.TextSpan(30, 12));
        var change = new UnsafeCollectionFix(UnsafeCollectionFixKind.ConcurrentType, string.Empty, false, "ConcurrentDictionary", spans, spans.RemoveAt(0), ImmutableArray<Microsoft.CodeAnalysis.Text.TextSpan>.Empty);
        Assert.True(UnsafeCollectionFix.TryRead(With(change.ToProperties()), out var read));
        Assert.Equal(UnsafeCollectionFixKind.ConcurrentType, read.Kind);
        Assert.Equal("ConcurrentDictionary", read.Counterpart);
        Assert.Equal(spans.ToArray(), read.Types.ToArray());
        Assert.Equal(spans.RemoveAt(0).ToArray(), read.Adds.ToArray());
        Assert.Empty(read.Ifs);
    }

    [Theory]
    [InlineData("ConcurrentBag", "1:2;x")]
    [InlineData("ConcurrentBag", "-1:2")]
    [InlineData("ConcurrentList", "1:2")]
    [InlineData(null, "1:2")]
    [InlineData("ConcurrentBag", null)]
    public void An_unsafe_collection_type_change_with_garbled_data_is_rejected(string? counterpart, string? types)
    {
        var properties = new List<(string, string?)> { (KindKey, "ConcurrentType"), ("Adds", ""), ("Ifs", "") };
        if (counterpart is not null)
        {
            properties.Add(("Counterpart", counterpart));
        }

        if (types is not null)
        {
            properties.Add(("Types", types));
        }

        Assert.False(UnsafeCollectionFix.TryRead(With(properties.ToArray()), out _));
        Assert.False(UnsafeCollectionFix.TryRead(With((KindKey, "Lock"), ("Gate", "_gate")), out _));
    }

    [Fact]
    public void A_wrap_reads_back_with_its_lock_statement_and_rank()
    {
        var compilation = CSharpCompilation.Create(
            "Contracts",
            new[] { CSharpSyntaxTree.ParseText("class Account { private readonly object _ledger = new object(); private readonly object _audit = new object(); }") },
            TestReferences.Framework);
        var ledger = compilation.GetTypeByMetadataName("Account")!.GetMembers("_ledger").OfType<IFieldSymbol>().Single();

        Assert.True(LockOrderInversionFix.TryRead(With(LockOrderInversionFix.Wrap(ledger, outerStart: 1234, rank: 2).ToProperties()), out var read));

        Assert.Equal(LockOrderInversionFixKind.Wrap, read.Kind);
        Assert.Equal(1234, read.OuterStart);
        Assert.Equal(2, read.Rank);
        Assert.Equal(DocumentationCommentId.CreateDeclarationId(ledger), read.LockId);
        Assert.Equal(ledger, read.FindLock(compilation), SymbolEqualityComparer.Default);
    }

    [Fact]
    public void A_swap_and_no_fix_read_back_without_wrap_data()
    {
        Assert.True(LockOrderInversionFix.TryRead(With(LockOrderInversionFix.Swap.ToProperties()), out var swap));
        Assert.Equal(LockOrderInversionFixKind.Swap, swap.Kind);
        Assert.Null(swap.LockId);

        Assert.True(LockOrderInversionFix.TryRead(With(LockOrderInversionFix.None.ToProperties()), out var none));
        Assert.Equal(LockOrderInversionFixKind.None, none.Kind);
    }

    [Theory]
    [InlineData(null, "7", "1")]
    [InlineData("F:Account._ledger", null, "1")]
    [InlineData("F:Account._ledger", "7", null)]
    [InlineData("F:Account._ledger", "-7", "1")]
    [InlineData("F:Account._ledger", "seven", "1")]
    [InlineData("F:Account._ledger", "7", "1.5")]
    [InlineData("", "7", "1")]
    public void A_wrap_without_its_lock_statement_or_rank_is_rejected(string? lockId, string? outer, string? rank)
    {
        var properties = new List<(string, string?)> { (KindKey, "Wrap") };
        if (lockId is not null)
        {
            properties.Add(("Lock", lockId));
        }

        if (outer is not null)
        {
            properties.Add(("Outer", outer));
        }

        if (rank is not null)
        {
            properties.Add(("Rank", rank));
        }

        Assert.False(LockOrderInversionFix.TryRead(With(properties.ToArray()), out _));
    }

    [Theory]
    [InlineData("HubSleep", false)]
    [InlineData("HubSleep", true)]
    [InlineData("HubSleepMakingLambdaAsync", false)]
    [InlineData("HubSleepMakingLambdaAsync", true)]
    [InlineData("None", false)]
    public void A_hub_sleep_fix_reads_back_with_its_argument_kind(string kindName, bool passesTimeSpan)
    {
        var kind = Enum.Parse<BlockingCallInHubFixKind>(kindName);
        Assert.True(BlockingCallInHubFix.TryRead(With(new BlockingCallInHubFix(kind, passesTimeSpan).ToProperties()), out var read));
        Assert.Equal(kind, read.Kind);
        Assert.Equal(passesTimeSpan, read.PassesTimeSpan);
    }

    [Fact]
    public void A_hub_diagnostic_carrying_another_contract_is_not_read_as_a_hub_sleep()
    {
        var counterpart = new SyncCallWithAsyncCounterpartFix(SyncCallWithAsyncCounterpartFixKind.AwaitCounterpart, "GetAsync", null, passesCancellationTokenNone: false).ToProperties();
        var wait = new BlockingTaskWaitFix(BlockingTaskWaitFixKind.Await).ToProperties();
        Assert.False(BlockingCallInHubFix.TryRead(With(counterpart), out _));
        Assert.False(BlockingCallInHubFix.TryRead(With(wait), out _));
        Assert.False(SyncCallWithAsyncCounterpartFix.TryRead(With(new BlockingCallInHubFix(BlockingCallInHubFixKind.HubSleep, false).ToProperties()), out _));
        Assert.False(BlockingTaskWaitFix.TryRead(With(new BlockingCallInHubFix(BlockingCallInHubFixKind.HubSleep, false).ToProperties()), out _));
    }

    [Theory]
    [InlineData("Delay", "cancellationToken")]
    [InlineData("Delay", null)]
    [InlineData("Yield", null)]
    [InlineData("None", null)]
    public void A_sleep_fix_reads_back_with_its_token(string kindName, string? token)
    {
        var kind = Enum.Parse<ThreadSleepInAsyncCodeFixKind>(kindName);
        Assert.True(ThreadSleepInAsyncCodeFix.TryRead(With(new ThreadSleepInAsyncCodeFix(kind, token).ToProperties()), out var read));
        Assert.Equal(kind, read.Kind);
        Assert.Equal(token, read.Token);
    }

    [Theory]
    [InlineData("JoinEach", "global::System.Threading.Thread")]
    [InlineData("WaitAll", "global::System.Threading.Tasks.Task")]
    [InlineData("None", null)]
    public void A_serial_start_join_fix_reads_back_with_its_element_type(string kindName, string? elementType)
    {
        var kind = Enum.Parse<SerialStartJoinFixKind>(kindName);
        Assert.True(SerialStartJoinFix.TryRead(With(new SerialStartJoinFix(kind, elementType).ToProperties()), out var read));
        Assert.Equal(kind, read.Kind);
        Assert.Equal(elementType, read.ElementType);
    }

    [Theory]
    [InlineData("WaitEach", "global::Concurrency.Runtime.Futures.Future<int>")]
    [InlineData("WhenAll", "global::System.Threading.Tasks.Task")]
    [InlineData("None", null)]
    public void A_serial_submit_wait_fix_reads_back_with_its_element_type(string kindName, string? elementType)
    {
        var kind = Enum.Parse<SerialSubmitWaitFixKind>(kindName);
        Assert.True(SerialSubmitWaitFix.TryRead(With(new SerialSubmitWaitFix(kind, elementType).ToProperties()), out var read));
        Assert.Equal(kind, read.Kind);
        Assert.Equal(elementType, read.ElementType);
    }

    [Fact]
    public void A_serial_submit_wait_fix_without_its_element_type_is_rejected()
    {
        Assert.False(SerialSubmitWaitFix.TryRead(With((KindKey, "WaitEach")), out _));
        Assert.False(SerialSubmitWaitFix.TryRead(With((KindKey, "WhenAll"), ("ElementType", " ")), out _));
    }

    [Fact]
    public void A_serial_start_join_fix_without_its_element_type_is_rejected()
    {
        Assert.False(SerialStartJoinFix.TryRead(With((KindKey, "JoinEach")), out _));
        Assert.False(SerialStartJoinFix.TryRead(With((KindKey, "WaitAll"), ("ElementType", " ")), out _));
    }

    [Theory]
    [InlineData("WaitAsync", "ct")]
    [InlineData("WaitAsync", null)]
    [InlineData("SemaphoreSlim", null)]
    [InlineData("None", null)]
    public void A_lock_across_await_fix_reads_back_with_its_token(string kindName, string? token)
    {
        var kind = Enum.Parse<LockHeldAcrossAwaitFixKind>(kindName);
        Assert.True(LockHeldAcrossAwaitFix.TryRead(With(new LockHeldAcrossAwaitFix(kind, token).ToProperties()), out var read));
        Assert.Equal(kind, read.Kind);
        Assert.Equal(token, read.Token);
    }

    [Theory]
    [InlineData("AwaitCounterpart", "ReadAsync", "cancellationToken", false)]
    [InlineData("AwaitCounterpart", "ReadAsync", null, true)]
    [InlineData("AwaitCounterpart", "FlushAsync", null, false)]
    [InlineData("None", "ReadAsync", null, false)]
    public void A_counterpart_fix_reads_back_with_its_counterpart_and_token(string kindName, string counterpart, string? token, bool passesNone)
    {
        var kind = Enum.Parse<SyncCallWithAsyncCounterpartFixKind>(kindName);
        var written = new SyncCallWithAsyncCounterpartFix(kind, counterpart, token, passesNone);

        Assert.True(SyncCallWithAsyncCounterpartFix.TryRead(With(written.ToProperties()), out var read));

        Assert.Equal(kind, read.Kind);
        Assert.Equal(counterpart, read.Counterpart);
        Assert.Equal(token, read.Token);
        Assert.Equal(passesNone, read.PassesCancellationTokenNone);
    }

    [Fact]
    public void A_counterpart_fix_without_its_counterpart_is_rejected()
    {
        Assert.False(SyncCallWithAsyncCounterpartFix.TryRead(With((KindKey, "AwaitCounterpart")), out _));
        Assert.False(SyncCallWithAsyncCounterpartFix.TryRead(With((KindKey, "AwaitCounterpart"), ("Counterpart", "")), out _));
    }

    [Theory]
    [MemberData(nameof(Contracts))]
    public void A_diagnostic_without_a_kind_is_rejected(string contract)
    {
        Assert.False(Readers[contract](With(ImmutableDictionary<string, string?>.Empty)));
        Assert.False(Readers[contract](With(("Counterpart", "ReadAsync"), ("Token", "ct"))));
    }

    [Theory]
    [MemberData(nameof(Contracts))]
    public void An_unknown_kind_is_rejected(string contract)
    {
        // A kind from a newer version, a number (Enum.TryParse would take it), another casing, the
        // "true" of the versions before these contracts, nothing at all.
        foreach (var kind in new[] { "Rewrite", "1", "none", " None", "true", string.Empty, null })
        {
            Assert.False(Readers[contract](With((KindKey, kind), ("Counterpart", "ReadAsync"))), $"{contract} read '{kind}'");
        }
    }

    [Theory]
    [MemberData(nameof(Contracts))]
    public void The_no_fix_kind_is_read(string contract) =>
        Assert.True(Readers[contract](With((KindKey, "None"), ("Counterpart", "ReadAsync"))));
}
