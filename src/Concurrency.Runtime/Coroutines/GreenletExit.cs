namespace Concurrency.Runtime.Coroutines;

/// <summary>
/// Raised inside a greenlet to kill it (Python's <c>greenlet.GreenletExit</c>): by
/// <see cref="HubGreenlet.Kill"/> at the hub greenlet's next switch point (<see cref="Hub.Sleep"/>,
/// <see cref="HubGreenlet.JoinAsync"/>, <see cref="Hub.JoinAll(HubGreenlet[])"/>), and by the
/// explicit-switch greenlets' <c>Throw()</c>. It is an <see cref="OperationCanceledException"/>, so
/// code that already handles cancellation treats a kill as one; a greenlet that lets it propagate is
/// <see cref="HubGreenlet.Killed"/>, not failed.
/// </summary>
public sealed class GreenletExit : OperationCanceledException
{
    /// <summary>Creates the exception with the default message.</summary>
    public GreenletExit()
        : base("The greenlet was killed (GreenletExit).")
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public GreenletExit(string? message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and the exception that caused it.</summary>
    public GreenletExit(string? message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
