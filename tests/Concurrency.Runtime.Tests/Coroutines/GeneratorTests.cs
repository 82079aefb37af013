namespace Concurrency.Runtime.Tests.Coroutines;

using Concurrency.Runtime.Coroutines;

public class GeneratorTests
{
    private static IEnumerable<string> Consumer(GeneratorInput<int?> input, List<string> log)
    {
        var r = "";
        try
        {
            while (true)
            {
                log.Add("yield " + r);
                yield return r;
                var n = input.Value;
                if (n is null)
                {
                    log.Add("stop");
                    yield break;
                }

                log.Add($"consume {n}");
                r = "200 OK";
            }
        }
        finally
        {
            log.Add("finally");
        }
    }

    [Fact]
    public void The_course_producer_consumer_runs_in_order()
    {
        var log = new List<string>();
        var c = new Generator<int?, string>(input => Consumer(input, log));
        Assert.Empty(log); // nothing runs before the first Next
        Assert.Equal("", c.Next());
        var replies = new List<string>();
        for (var n = 1; n <= 3; n++)
        {
            log.Add($"produce {n}");
            replies.Add(c.Send(n));
        }

        c.Close();
        Assert.Equal(new[] { "200 OK", "200 OK", "200 OK" }, replies);
        Assert.Equal(
            new[] { "yield ", "produce 1", "consume 1", "yield 200 OK", "produce 2", "consume 2", "yield 200 OK", "produce 3", "consume 3", "yield 200 OK", "finally" },
            log);
        Assert.True(c.Finished);
    }

    [Fact]
    public void Next_passes_default_and_Send_passes_the_value_to_the_body()
    {
        var seen = new List<int?>();
        IEnumerable<int> Echo(GeneratorInput<int?> input)
        {
            for (var i = 0; ; i++)
            {
                yield return i;
                seen.Add(input.Value);
            }
        }

        using var g = new Generator<int?, int>(Echo);
        Assert.Equal(0, g.Next());
        Assert.Equal(1, g.Send(42));
        Assert.Equal(2, g.Next());
        Assert.Equal(3, g.Send(7));
        Assert.Equal(new int?[] { 42, null, 7 }, seen);
    }

    [Fact]
    public void Close_runs_the_finally_blocks_at_the_suspension_point_then_Send_and_Next_stop()
    {
        var log = new List<string>();
        var c = new Generator<int?, string>(input => Consumer(input, log));
        c.Next();
        c.Send(1);
        Assert.DoesNotContain("finally", log);
        c.Close();
        Assert.Equal("finally", log[^1]);
        Assert.True(c.Finished);
        Assert.Throws<StopIterationException>(() => c.Send(2));
        Assert.Throws<StopIterationException>(() => c.Next());
        c.Close(); // idempotent
        Assert.Single(log, "finally");
    }

    [Fact]
    public void Closing_a_generator_that_never_started_runs_nothing()
    {
        var log = new List<string>();
        var c = new Generator<int?, string>(input => Consumer(input, log));
        c.Close();
        Assert.Empty(log);
        Assert.True(c.Finished);
        Assert.Throws<StopIterationException>(() => c.Next());
    }

    [Fact]
    public void Send_to_a_just_started_generator_needs_null_as_in_Python()
    {
        var log = new List<string>();
        var c = new Generator<int?, string>(input => Consumer(input, log));
        var e = Assert.Throws<InvalidOperationException>(() => c.Send(5));
        Assert.Contains("just-started", e.Message);
        Assert.IsNotType<StopIterationException>(e);
        Assert.Empty(log);
        Assert.False(c.Finished);
        Assert.Equal("", c.Send(null)); // send(None) = next()
        Assert.Equal("200 OK", c.Send(5));
    }

    [Fact]
    public void A_value_type_send_cannot_start_the_generator()
    {
        IEnumerable<int> Doubler(GeneratorInput<int> input)
        {
            while (true)
            {
                yield return input.Value * 2;
            }
        }

        var g = new Generator<int, int>(Doubler);
        Assert.Throws<InvalidOperationException>(() => g.Send(0));
        Assert.Equal(0, g.Next());
        Assert.Equal(10, g.Send(5));
    }

    [Fact]
    public void The_body_ending_raises_StopIteration_from_the_send_that_resumed_it()
    {
        var log = new List<string>();
        var c = new Generator<int?, string>(input => Consumer(input, log));
        c.Next();
        Assert.Throws<StopIterationException>(() => c.Send(null));
        Assert.Equal(new[] { "yield ", "stop", "finally" }, log);
        Assert.True(c.Finished);
        Assert.Throws<StopIterationException>(() => c.Next());
    }

    [Fact]
    public void An_exception_from_the_body_propagates_from_Send_runs_finally_and_finishes_it()
    {
        var finallyRan = 0;
        IEnumerable<int> Fragile(GeneratorInput<int> input)
        {
            try
            {
                while (true)
                {
                    yield return 1;
                    if (input.Value < 0)
                    {
                        throw new ArgumentOutOfRangeException(nameof(input), "negative");
                    }
                }
            }
            finally
            {
                finallyRan++;
            }
        }

        var g = new Generator<int, int>(Fragile);
        g.Next();
        g.Send(3);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => g.Send(-1));
        Assert.Contains("negative", e.Message);
        Assert.Equal(1, finallyRan);
        Assert.True(g.Finished);
        Assert.Throws<StopIterationException>(() => g.Send(1));
        g.Close();
        Assert.Equal(1, finallyRan);
    }

    [Fact]
    public void An_exception_from_a_finally_block_propagates_from_Close()
    {
        IEnumerable<int> Bad(GeneratorInput<int> input)
        {
            try
            {
                yield return 1;
            }
            finally
            {
                throw new FormatException("cleanup failed");
            }
        }

        var g = new Generator<int, int>(Bad);
        g.Next();
        Assert.Throws<FormatException>(() => g.Close());
        Assert.True(g.Finished);
    }

    [Fact]
    public void Dispose_closes_like_Close()
    {
        var log = new List<string>();
        using (var c = new Generator<int?, string>(input => Consumer(input, log)))
        {
            c.Next();
        }

        Assert.Equal(new[] { "yield ", "finally" }, log);
    }

    [Fact]
    public void The_body_cannot_resume_or_close_its_own_generator()
    {
        Generator<int, int>? self = null;
        Exception? resume = null;
        Exception? close = null;
        IEnumerable<int> Reentrant(GeneratorInput<int> input)
        {
            resume = Record.Exception(() => self!.Next());
            close = Record.Exception(() => self!.Close());
            yield return 1;
        }

        self = new Generator<int, int>(Reentrant);
        Assert.Equal(1, self.Next());
        Assert.IsType<InvalidOperationException>(resume);
        Assert.Contains("already executing", resume!.Message);
        Assert.IsType<InvalidOperationException>(close);
        Assert.False(self.Finished);
    }

    [Fact]
    public void A_null_body_is_rejected()
    {
        Assert.Throws<ArgumentNullException>(() => new Generator<int, int>(null!));
    }
}
