namespace Concurrency.Runtime.Coroutines;

/// <summary>
/// What a <see cref="Generator{TSend, TYield}"/>'s body reads after each <c>yield return</c>: the
/// value the resuming <c>Send</c> passed (default after <c>Next</c>), Python's <c>x = yield y</c>.
/// </summary>
/// <typeparam name="TSend">What the generator is sent.</typeparam>
public sealed class GeneratorInput<TSend>
{
    internal GeneratorInput()
    {
    }

    /// <summary>The value the last <c>Send</c> passed; read it right after <c>yield return</c>.</summary>
    public TSend Value { get; internal set; } = default!;
}
