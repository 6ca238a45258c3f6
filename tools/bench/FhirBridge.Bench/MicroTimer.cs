using System.Diagnostics;

namespace FhirBridge.Bench;

/// <summary>Timing of single-threaded CPU work: per-call cost over a short slice of back-to-back calls, and medians.</summary>
internal static class MicroTimer
{
    public static double MicrosecondsPerCall(Func<object> operation, TimeSpan slice)
    {
        var calls = 0;
        var start = Stopwatch.GetTimestamp();
        TimeSpan elapsed;
        do
        {
            GC.KeepAlive(operation());
            calls++;
            elapsed = Stopwatch.GetElapsedTime(start);
        }
        while (elapsed < slice);

        return elapsed.TotalMicroseconds / calls;
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return (sorted[(sorted.Length - 1) / 2] + sorted[sorted.Length / 2]) / 2;
    }
}
