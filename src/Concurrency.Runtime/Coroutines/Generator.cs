namespace Concurrency.Runtime.Coroutines;

/// <summary>
/// A generator you can send values into, Python's <c>generator.send</c>/<c>close</c>, built on a
/// C# iterator: the body is an iterator method that receives a <see cref="GeneratorInput{TSend}"/>,
/// and after each <c>yield return</c> reads <see cref="GeneratorInput{TSend}.Value"/> for what the
/// resuming <see cref="Send"/> passed (Python's <c>n = yield r</c>). It runs on the caller's thread:
/// no thread, no scheduler, just the iterator's saved state.
/// </summary>
/// <example>
/// <code>
/// IEnumerable&lt;string&gt; Consumer(GeneratorInput&lt;int?&gt; input)
/// {
///     var r = "";
///     while (true)
///     {
///         yield return r;             // Python: n = yield r
///         var n = input.Value;
///         if (n is null) yield break;
///         r = "200 OK";
///     }
/// }
/// var c = new Generator&lt;int?, string&gt;(Consumer);
/// c.Next();                           // Python: c.send(None), runs to the first yield
/// var r = c.Send(1);                  // "200 OK"
/// c.Close();
/// </code>
/// </example>
/// <typeparam name="TSend">What <see cref="Send"/> passes in.</typeparam>
/// <typeparam name="TYield">What the body yields.</typeparam>
public sealed class Generator<TSend, TYield> : IDisposable
{
    private readonly GeneratorInput<TSend> _input = new();
    private IEnumerator<TYield>? _iterator;
    private bool _started;
    private bool _running;

    /// <summary>Creates the generator. No code of the body runs until the first <see cref="Next"/>.</summary>
    /// <param name="body">An iterator method; it reads what <see cref="Send"/> passed from its argument.</param>
    public Generator(Func<GeneratorInput<TSend>, IEnumerable<TYield>> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        _iterator = body(_input).GetEnumerator();
    }

    /// <summary>Whether the body has ended: it finished, threw, or the generator was closed.</summary>
    public bool Finished => _iterator is null;

    /// <summary>
    /// Python's <c>next(gen)</c> (= <c>gen.send(None)</c>): runs the body to its next <c>yield return</c>;
    /// <see cref="GeneratorInput{TSend}.Value"/> reads <c>default</c> after it.
    /// </summary>
    /// <returns>The value yielded.</returns>
    /// <exception cref="StopIterationException">The body ended (now or before).</exception>
    /// <exception cref="InvalidOperationException">Called from inside the body (the generator is already executing).</exception>
    public TYield Next() => Resume(default!);

    /// <summary>
    /// Python's <c>gen.send(value)</c>: resumes the body after the <c>yield return</c> where it is
    /// suspended, with <see cref="GeneratorInput{TSend}.Value"/> = <paramref name="value"/>, and runs
    /// it to the next one. Exceptions the body throws propagate from here and finish the generator.
    /// </summary>
    /// <returns>The next value yielded.</returns>
    /// <exception cref="InvalidOperationException">The generator has not started and <paramref name="value"/> is not null
    /// (Python: "can't send non-None value to a just-started generator": call <see cref="Next"/> first); or called from inside the body.</exception>
    /// <exception cref="StopIterationException">The body ended (now or before).</exception>
    public TYield Send(TSend value)
    {
        if (!_started && !Finished && value is not null)
        {
            throw new InvalidOperationException("Can't send a non-null value to a just-started generator: call Next() first to run it to its first yield.");
        }

        return Resume(value);
    }

    /// <summary>
    /// Python's <c>gen.close()</c>: ends the body where it is suspended, running its <c>finally</c>
    /// blocks (Python raises <c>GeneratorExit</c> there); later <see cref="Next"/>/<see cref="Send"/>
    /// throw <see cref="StopIterationException"/>. Closing a generator that never started runs
    /// nothing; closing a finished one does nothing. An exception a <c>finally</c> block throws
    /// propagates from here.
    /// </summary>
    /// <exception cref="InvalidOperationException">Called from inside the body.</exception>
    public void Close()
    {
        ThrowIfRunning();
        var iterator = _iterator;
        if (iterator is null)
        {
            return;
        }

        _iterator = null;
        _running = true;
        try
        {
            iterator.Dispose();
        }
        finally
        {
            _running = false;
        }
    }

    /// <summary>Same as <see cref="Close"/>.</summary>
    public void Dispose() => Close();

    private TYield Resume(TSend value)
    {
        ThrowIfRunning();
        var iterator = _iterator ?? throw new StopIterationException();
        _input.Value = value;
        _started = true;
        _running = true;
        try
        {
            if (iterator.MoveNext())
            {
                return iterator.Current;
            }
        }
        catch
        {
            // The body died of the exception (its finally blocks have run on the way out).
            _iterator = null;
            iterator.Dispose();
            throw;
        }
        finally
        {
            _running = false;
            _input.Value = default!;
        }

        _iterator = null;
        iterator.Dispose();
        throw new StopIterationException();
    }

    private void ThrowIfRunning()
    {
        if (_running)
        {
            throw new InvalidOperationException("Generator already executing: its body cannot resume or close itself.");
        }
    }
}
