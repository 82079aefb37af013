namespace Chapter03.SharedState.Fixed;

/// <summary>The poller with CONC306's fix: a <c>volatile</c> flag is read from memory on every turn.</summary>
public sealed class Poller
{
    private volatile bool _stop;
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
