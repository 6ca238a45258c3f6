namespace FhirBridge.Fakes;

/// <summary>How a fake answers with wrong content.</summary>
public enum WrongContentKind
{
    /// <summary>200 with an HTML page (text/html), as a misconfigured proxy would send.</summary>
    Html,

    /// <summary>200 with <c>application/fhir+json</c> that is not valid JSON.</summary>
    InvalidJson,
}

/// <summary>The fault switches' settings at one moment (also the admin endpoint's answer).</summary>
public sealed record FaultState(int FailNext, int FailStatus, int HangNext, int WrongContentNext, WrongContentKind WrongContent, int DelayMs);

/// <summary>What the fault switches decided for one request.</summary>
public sealed record FaultDecision(TimeSpan Delay, bool Hang, int? FailStatus, WrongContentKind? WrongContent)
{
    public static readonly FaultDecision None = new(TimeSpan.Zero, false, null, null);
}

/// <summary>Thread-safe fault switches of a fake: each request under /fhir takes one decision.</summary>
/// <remarks>Counted faults apply to the next N requests in this order: hang, then fail, then wrong content.
/// The delay applies to every request until changed.</remarks>
public sealed class FaultSwitches
{
    private readonly Lock _lock = new();
    private int _failNext;
    private int _failStatus = 503;
    private int _hangNext;
    private int _wrongContentNext;
    private WrongContentKind _wrongContent;
    private TimeSpan _delay;
    private CancellationTokenSource _release = new();

    /// <summary>Cancelled on <see cref="Reset"/>: hanging requests wait on it and then end.</summary>
    internal CancellationToken Released
    {
        get
        {
            lock (_lock)
            {
                return _release.Token;
            }
        }
    }

    /// <summary>The next <paramref name="count"/> requests answer <paramref name="status"/> (a 5xx) with an OperationOutcome.</summary>
    public void FailNext(int count, int status = 503)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfLessThan(status, 500);
        lock (_lock)
        {
            _failNext = count;
            _failStatus = status;
        }
    }

    /// <summary>The next <paramref name="count"/> requests never answer until the client gives up or <see cref="Reset"/>.</summary>
    public void HangNext(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        lock (_lock)
        {
            _hangNext = count;
        }
    }

    /// <summary>The next <paramref name="count"/> requests answer 200 with <paramref name="kind"/> content.</summary>
    public void WrongContentNext(int count, WrongContentKind kind)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        lock (_lock)
        {
            _wrongContentNext = count;
            _wrongContent = kind;
        }
    }

    /// <summary>Every request waits <paramref name="delay"/> before it is handled (<see cref="TimeSpan.Zero"/> turns it off).</summary>
    public void Delay(TimeSpan delay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        lock (_lock)
        {
            _delay = delay;
        }
    }

    /// <summary>Turns every counted fault and the delay off and releases hanging requests.</summary>
    public void Reset()
    {
        CancellationTokenSource released;
        lock (_lock)
        {
            _failNext = _hangNext = _wrongContentNext = 0;
            _failStatus = 503;
            _delay = TimeSpan.Zero;
            released = _release;
            _release = new CancellationTokenSource();
        }

        // Not disposed: a request may still be registering on its token.
        released.Cancel();
    }

    /// <summary>Takes the decision for one request, consuming one count of the counted fault that applies.</summary>
    public FaultDecision Next()
    {
        lock (_lock)
        {
            if (_hangNext > 0)
            {
                _hangNext--;
                return new FaultDecision(_delay, true, null, null);
            }

            if (_failNext > 0)
            {
                _failNext--;
                return new FaultDecision(_delay, false, _failStatus, null);
            }

            if (_wrongContentNext > 0)
            {
                _wrongContentNext--;
                return new FaultDecision(_delay, false, null, _wrongContent);
            }

            return _delay == TimeSpan.Zero ? FaultDecision.None : FaultDecision.None with { Delay = _delay };
        }
    }

    /// <summary>The current settings: the counts still to be used.</summary>
    public FaultState Snapshot()
    {
        lock (_lock)
        {
            return new FaultState(_failNext, _failStatus, _hangNext, _wrongContentNext, _wrongContent, (int)_delay.TotalMilliseconds);
        }
    }
}
