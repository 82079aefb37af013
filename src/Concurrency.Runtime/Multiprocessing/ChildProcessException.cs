namespace Concurrency.Runtime.Multiprocessing;

/// <summary>
/// An exception that escaped a child process's target: its type name, message and stack trace as the
/// child reported them (the exception object itself cannot cross the process boundary). Found in
/// <see cref="Process.Error"/> once the child has ended; the child's exit code is then 1.
/// </summary>
public sealed class ChildProcessException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public ChildProcessException()
        : this("A child process failed.")
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public ChildProcessException(string message)
        : base(message)
    {
        ExceptionType = typeof(Exception).FullName!;
        ChildMessage = message;
        ChildStackTrace = string.Empty;
    }

    /// <summary>Creates the exception with <paramref name="message"/> and an inner exception.</summary>
    public ChildProcessException(string message, Exception innerException)
        : base(message, innerException)
    {
        ExceptionType = typeof(Exception).FullName!;
        ChildMessage = message;
        ChildStackTrace = string.Empty;
    }

    internal ChildProcessException(string processName, int pid, string exceptionType, string childMessage, string childStackTrace)
        : base($"{processName} (pid {pid}) failed with {exceptionType}: {childMessage}")
    {
        ExceptionType = exceptionType;
        ChildMessage = childMessage;
        ChildStackTrace = childStackTrace;
    }

    /// <summary>The full name of the exception type thrown in the child, e.g. <c>System.InvalidOperationException</c>.</summary>
    public string ExceptionType { get; }

    /// <summary>The message of the exception thrown in the child.</summary>
    public string ChildMessage { get; }

    /// <summary>The child's stack trace, as text.</summary>
    public string ChildStackTrace { get; }
}
