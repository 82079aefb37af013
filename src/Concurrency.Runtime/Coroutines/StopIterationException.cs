namespace Concurrency.Runtime.Coroutines;

/// <summary>
/// Python's <c>StopIteration</c>: the generator's body has ended (finished, failed or closed), so
/// there is no next value.
/// </summary>
public sealed class StopIterationException : InvalidOperationException
{
    /// <summary>Creates the exception with the default message.</summary>
    public StopIterationException()
        : base("The generator has finished: there is no next value.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public StopIterationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    public StopIterationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
