using FhirBridge.Core.Population;

namespace FhirBridge.Core.Tests.Population;

public sealed class SummaryTests
{
    [Fact]
    public void No_values_have_no_summary() => Assert.Null(Summary.Of([]));

    [Fact]
    public void An_odd_count_has_the_middle_value_as_median()
    {
        Assert.Equal(new Summary(3, -5m, 30m, 13.33m, 15m), Summary.Of([30m, -5m, 15m]));
    }

    [Fact]
    public void An_even_count_has_the_mean_of_the_middle_two_as_median_rounded_half_away_from_zero()
    {
        Assert.Equal(new Summary(4, 1m, 10m, 4.31m, 3.13m), Summary.Of([1m, 10m, 2.25m, 4m]));
    }
}
