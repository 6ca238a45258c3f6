using System.Diagnostics;

namespace FhirBridge.Bench;

/// <summary>
/// The figures of one scenario run; one JSON line in the results file. Throughput and latencies are the medians over
/// the measured repetitions (each repetition's own figures in <see cref="Repetitions"/>); counts are totals.
/// <see cref="Database"/> is the server database's activity over the measured repetitions, when it was probed.
/// </summary>
internal sealed record ScenarioResult(
    string Label,
    string Scenario,
    int Concurrency,
    double Seconds,
    int Requests,
    int Errors,
    double Throughput,
    double P50Ms,
    double P99Ms,
    double MeanMs,
    string? FirstError,
    IReadOnlyList<RepetitionResult> Repetitions,
    DatabaseActivity? Database = null)
{
    public static ScenarioResult From(string label, string scenario, int concurrency, IReadOnlyList<PhaseSamples> phases)
    {
        var repetitions = phases.Select(RepetitionResult.From).ToList();
        return new ScenarioResult(
            label,
            scenario,
            concurrency,
            phases.Sum(p => p.Elapsed.TotalSeconds),
            repetitions.Sum(r => r.Requests),
            phases.Sum(p => p.Errors),
            Median(repetitions.Select(r => r.Throughput)),
            Median(repetitions.Select(r => r.P50Ms)),
            Median(repetitions.Select(r => r.P99Ms)),
            Median(repetitions.Select(r => r.MeanMs)),
            phases.Select(p => p.FirstError).FirstOrDefault(e => e is not null),
            repetitions);
    }

    /// <summary>A scenario that could not start: no figures, one error.</summary>
    public static ScenarioResult NotRun(string label, string scenario, int concurrency, string reason) =>
        new(label, scenario, concurrency, 0, 0, 1, 0, 0, 0, 0, $"not run: {reason}", []);

    // The middle value (the mean of the two middle ones for an even count).
    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? 0 : (sorted[(sorted.Length - 1) / 2] + sorted[sorted.Length / 2]) / 2;
    }
}

/// <summary>The figures of one measured phase.</summary>
internal sealed record RepetitionResult(int Requests, double Throughput, double P50Ms, double P99Ms, double MeanMs)
{
    public static RepetitionResult From(PhaseSamples samples)
    {
        var ticks = samples.SortedLatencyTicks;
        return new RepetitionResult(
            ticks.Length,
            ticks.Length / samples.Elapsed.TotalSeconds,
            Percentile(ticks, 0.50),
            Percentile(ticks, 0.99),
            ticks.Length == 0 ? 0 : ToMs(ticks.Average()));
    }

    // Nearest-rank percentile over the sorted successful latencies.
    private static double Percentile(long[] sortedTicks, double p) =>
        sortedTicks.Length == 0 ? 0 : ToMs(sortedTicks[Math.Max(0, (int)Math.Ceiling(p * sortedTicks.Length) - 1)]);

    private static double ToMs(double ticks) => ticks * 1000.0 / Stopwatch.Frequency;
}
