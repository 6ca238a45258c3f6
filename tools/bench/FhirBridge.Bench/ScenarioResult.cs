using System.Diagnostics;

namespace FhirBridge.Bench;

/// <summary>The figures of one scenario run; one JSON line in the results file.</summary>
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
    string? FirstError)
{
    public static ScenarioResult From(string label, string scenario, int concurrency, PhaseSamples samples)
    {
        var ticks = samples.SortedLatencyTicks;
        return new ScenarioResult(
            label,
            scenario,
            concurrency,
            samples.Elapsed.TotalSeconds,
            ticks.Length,
            samples.Errors,
            ticks.Length / samples.Elapsed.TotalSeconds,
            Percentile(ticks, 0.50),
            Percentile(ticks, 0.99),
            ticks.Length == 0 ? 0 : ToMs(ticks.Average()),
            samples.FirstError);
    }

    // Nearest-rank percentile over the sorted successful latencies.
    private static double Percentile(long[] sortedTicks, double p) =>
        sortedTicks.Length == 0 ? 0 : ToMs(sortedTicks[Math.Max(0, (int)Math.Ceiling(p * sortedTicks.Length) - 1)]);

    private static double ToMs(double ticks) => ticks * 1000.0 / Stopwatch.Frequency;
}
