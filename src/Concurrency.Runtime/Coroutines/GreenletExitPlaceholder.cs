namespace Concurrency.Runtime.Coroutines;

// PLACEHOLDER until branch coro-hub commits the real GreenletExit: deleted at the merge.
internal sealed class GreenletExit : OperationCanceledException
{
    public GreenletExit()
        : base("The greenlet was killed.")
    {
    }
}
