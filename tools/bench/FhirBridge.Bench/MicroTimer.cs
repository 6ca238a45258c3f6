using System.Diagnostics;

namespace FhirBridge.Bench;

/// <summary>Timing of single-threaded CPU work: per-call cost over a short slice of back-to-back calls, and medians.</summary>
internal static class MicroTimer
{
    private const int WarmupRounds = 5;
    private const int Rounds = 25;
    private static readonly TimeSpan Slice = TimeSpan.FromMilliseconds(4);

    /// <summary>
    /// Times every item once per round, warm-up rounds first (measured = false): interleaving spreads other load on
    /// the machine evenly over all items, and the caller keeps the median of its measured rounds.
    /// </summary>
    public static void Interleave<T>(IReadOnlyList<T> items, Action<T, TimeSpan, bool> timeRound)
    {
        for (var round = 0; round < WarmupRounds + Rounds; round++)
        {
            foreach (var item in items)
            {
                timeRound(item, Slice, round >= WarmupRounds);
            }
        }
    }

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
