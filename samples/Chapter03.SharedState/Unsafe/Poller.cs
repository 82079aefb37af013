namespace Chapter03.SharedState.Unsafe;

/// <summary>
/// A poller stopped by a flag another thread sets. The flag is not volatile: the JIT may read it
/// once for the whole loop, and the poller never stops (CONC306).
/// </summary>
public sealed class Poller
{
    private bool _stop;
    private Thread? _thread;

    public long Polls { get; private set; }

    public void Start(long maxPolls)
    {
        _thread = new Thread(() =>
        {
            long polls = 0;
            while (!_stop && polls < maxPolls)
            {
                polls++;
            }

            Polls = polls;
        });
        _thread.Start();
    }

    public void Stop()
    {
        _stop = true;
        _thread?.Join();
    }
}
