namespace Concurrency.Runtime.Internal;

/// <summary>
/// A point in time a blocking call gives up at. Waits are re-entered after spurious wake-ups, so
/// they count down to a fixed deadline instead of restarting the full timeout each time.
/// </summary>
internal readonly struct Deadline
{
    private readonly long _endTimestamp;

    private Deadline(long endTimestamp)
    {
        _endTimestamp = endTimestamp;
    }

    /// <summary>A deadline that never passes.</summary>
    internal static Deadline Never => new(long.MaxValue);

    internal bool IsInfinite => _endTimestamp == long.MaxValue;

    /// <summary>Starts counting <paramref name="timeout"/> now; null or <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> means never.</summary>
    internal static Deadline After(TimeSpan? timeout, string paramName = "timeout")
    {
        if (timeout is not { } span || span == System.Threading.Timeout.InfiniteTimeSpan)
        {
            return Never;
        }

        ValidateTimeout(span, paramName);
        var ticks = (long)(span.TotalSeconds * Stopwatch.Frequency);
        var now = Stopwatch.GetTimestamp();
        return new Deadline(ticks >= long.MaxValue - now ? long.MaxValue : now + ticks);
    }

    /// <summary>Throws for a negative timeout (other than the infinite one): null is how to wait forever.</summary>
    internal static void ValidateTimeout(TimeSpan? timeout, string paramName = "timeout")
    {
        if (timeout is { } span && span < TimeSpan.Zero && span != System.Threading.Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(paramName, span, "A timeout must not be negative; pass null to wait without a time limit.");
        }
    }

    /// <summary>Milliseconds left, rounded up so a wait never ends early: -1 if infinite, 0 once passed.</summary>
    internal int RemainingMilliseconds
    {
        get
        {
            if (IsInfinite)
            {
                return -1;
            }

            var left = _endTimestamp - Stopwatch.GetTimestamp();
            if (left <= 0)
            {
                return 0;
            }

            var ms = Math.Ceiling(left * 1000.0 / Stopwatch.Frequency);
            return ms >= int.MaxValue ? int.MaxValue - 1 : (int)ms;
        }
    }

    /// <summary>The time left, or null when infinite; never negative.</summary>
    internal TimeSpan? Remaining
    {
        get
        {
            if (IsInfinite)
            {
                return null;
            }

            var left = _endTimestamp - Stopwatch.GetTimestamp();
            return left <= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(left / (double)Stopwatch.Frequency);
        }
    }
}
