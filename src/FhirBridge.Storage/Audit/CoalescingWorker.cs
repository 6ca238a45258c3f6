namespace FhirBridge.Storage.Audit;

/// <summary>
/// Runs one piece of background work whenever it is requested, never twice at a time: requests made while it runs
/// coalesce into one more run. A run starts <c>delay</c> after the request that woke the worker, so that requests made
/// meanwhile share it. Disposing cancels the run in progress and waits for it to end.
/// </summary>
internal sealed class CoalescingWorker : IAsyncDisposable
{
    private readonly SemaphoreSlim _signal = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<CancellationToken, Task> _work;
    private readonly TimeSpan _delay;
    private readonly Task _loop;
    private int _requested;
    private int _disposed;

    public CoalescingWorker(Func<CancellationToken, Task> work, TimeSpan delay = default)
    {
        _work = work;
        _delay = delay;
        _loop = Task.Run(LoopAsync);
    }

    public void Request()
    {
        if (Volatile.Read(ref _disposed) == 0 && Interlocked.Exchange(ref _requested, 1) == 0)
        {
            _signal.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        // The store may be disposed twice (by its host and by the container that registered it).
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stop.CancelAsync();
        await _loop;
        // _signal is not disposed: a request racing the disposal may still release it (harmlessly).
        _stop.Dispose();
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await _signal.WaitAsync(_stop.Token);
                if (_delay > TimeSpan.Zero)
                {
                    await Task.Delay(_delay, _stop.Token);
                }

                Interlocked.Exchange(ref _requested, 0);
                await _work(_stop.Token);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception)
            {
                // A failed background run leaves the work for the next request (or a caller running it synchronously);
                // it must not end the loop.
            }
        }
    }
}
