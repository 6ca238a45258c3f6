namespace FhirBridge.Core.Population;

/// <summary>Min, max, mean and median of a set of values (mean and median rounded to 2 decimals, half away from zero).</summary>
public sealed record Summary(int N, decimal Min, decimal Max, decimal Mean, decimal Median)
{
    public static Summary? Of(IEnumerable<decimal> values)
    {
        var sorted = values.Order().ToList();
        if (sorted.Count == 0)
        {
            return null;
        }

        var middle = sorted.Count / 2;
        var median = sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
        return new Summary(sorted.Count, sorted[0], sorted[^1], Round(sorted.Sum() / sorted.Count), Round(median));
    }

    private static decimal Round(decimal value) => Math.Round(value, 2, MidpointRounding.AwayFromZero);
}
