using System.Diagnostics;

namespace FhirBridge.Bench;

/// <summary>
/// Closed-loop load: N workers each run the operation back to back (one in flight per worker) until the deadline;
/// one warm-up phase, then <c>repetitions</c> measured phases. With a database probe, the database's activity over the
/// measured phases is recorded too.
/// </summary>
internal sealed class ClosedLoopRunner(
    int concurrency, TimeSpan warmup, TimeSpan duration, int repetitions, Func<CancellationToken, Task<DatabaseActivity>>? probe = null)
{
    // A request still in flight this long after the deadline is abandoned rather than stalling the run.
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(15);

    public async Task<ScenarioResult> RunAsync(string label, IScenario scenario, CancellationToken cancellationToken)
    {
        await scenario.PrepareAsync(cancellationToken);
        await RunPhaseAsync(scenario, warmup, cancellationToken);
        var before = probe is null ? null : await probe(cancellationToken);
        var measured = new List<PhaseSamples>(repetitions);
        for (var i = 0; i < repetitions; i++)
        {
            measured.Add(await RunPhaseAsync(scenario, duration, cancellationToken));
        }

        var activity = before is null ? null : (await probe!(cancellationToken)).Minus(before);
        return ScenarioResult.From(label, scenario.Name, concurrency, measured) with { Database = activity };
    }

    private async Task<PhaseSamples> RunPhaseAsync(IScenario scenario, TimeSpan length, CancellationToken cancellationToken)
    {
        using var abandon = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        abandon.CancelAfter(length + Grace);
        var start = Stopwatch.GetTimestamp();
        var deadline = start + (long)(length.TotalSeconds * Stopwatch.Frequency);
        var workers = Enumerable.Range(0, concurrency)
            .Select(_ => Task.Run(() => WorkerAsync(scenario, deadline, abandon.Token), CancellationToken.None))
            .ToArray();
        var results = await Task.WhenAll(workers);
        var elapsed = Stopwatch.GetElapsedTime(start);
        return PhaseSamples.Merge(results, elapsed);
    }

    private static async Task<WorkerSamples> WorkerAsync(IScenario scenario, long deadline, CancellationToken cancellationToken)
    {
        var samples = new WorkerSamples();
        while (Stopwatch.GetTimestamp() < deadline && !cancellationToken.IsCancellationRequested)
        {
            var begin = Stopwatch.GetTimestamp();
            try
            {
                if (await scenario.ExecuteAsync(cancellationToken))
                {
                    samples.LatencyTicks.Add(Stopwatch.GetTimestamp() - begin);
                }
                else
                {
                    samples.Fail($"{scenario.Name} answered unsuccessfully");
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                samples.Fail($"{e.GetType().Name}: {e.Message}");
            }
            catch (OperationCanceledException)
            {
                samples.Fail("abandoned after the deadline");
            }
        }

        return samples;
    }
}

/// <summary>What one worker saw: latencies of successful operations, the failure count and the first failure.</summary>
internal sealed class WorkerSamples
{
    public List<long> LatencyTicks { get; } = [];

    public int Errors { get; private set; }

    public string? FirstError { get; private set; }

    public void Fail(string message)
    {
        Errors++;
        FirstError ??= message;
    }
}

/// <summary>All workers' samples of one measured phase.</summary>
internal sealed record PhaseSamples(long[] SortedLatencyTicks, int Errors, string? FirstError, TimeSpan Elapsed)
{
    public static PhaseSamples Merge(IReadOnlyCollection<WorkerSamples> workers, TimeSpan elapsed)
    {
        var ticks = workers.SelectMany(w => w.LatencyTicks).ToArray();
        Array.Sort(ticks);
        return new PhaseSamples(
            ticks,
            workers.Sum(w => w.Errors),
            workers.Select(w => w.FirstError).FirstOrDefault(e => e is not null),
            elapsed);
    }
}
