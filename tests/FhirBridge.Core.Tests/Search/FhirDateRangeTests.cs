using FhirBridge.Core.Search;

namespace FhirBridge.Core.Tests.Search;

public sealed class FhirDateRangeTests
{
    [Theory]
    [InlineData("2024", "2024-01-01T00:00:00Z", "2025-01-01T00:00:00Z")]
    [InlineData("2024-02", "2024-02-01T00:00:00Z", "2024-03-01T00:00:00Z")]
    [InlineData("2024-02-29", "2024-02-29T00:00:00Z", "2024-03-01T00:00:00Z")]
    [InlineData("2024-05-01T10:15", "2024-05-01T10:15:00Z", "2024-05-01T10:16:00Z")]
    [InlineData("2024-05-01T10:15:30", "2024-05-01T10:15:30Z", "2024-05-01T10:15:31Z")]
    [InlineData("2024-05-01T10:15:30+03:00", "2024-05-01T07:15:30Z", "2024-05-01T07:15:31Z")]
    [InlineData("2024-05-01T10:15:30.5Z", "2024-05-01T10:15:30.5Z", "2024-05-01T10:15:30.6Z")]
    [InlineData("2024-12-31T23:30:00-01:00", "2025-01-01T00:30:00Z", "2025-01-01T00:30:01Z")]
    public void TryParse_Precision_GivesHalfOpenUtcRange(string text, string start, string end)
    {
        Assert.True(FhirDateRange.TryParse(text, out var s, out var e));
        Assert.Equal(DateTimeOffset.Parse(start), s);
        Assert.Equal(DateTimeOffset.Parse(end), e);
        Assert.Equal(TimeSpan.Zero, s.Offset);
    }

    [Theory]
    [InlineData("")]
    [InlineData("24")]
    [InlineData("2024-13")]
    [InlineData("2023-02-29")]
    [InlineData("2024-01-01T25:00")]
    [InlineData("2024-01-01T10:00:00+15:00")]
    [InlineData("2024-01-01Z")]
    [InlineData("tomorrow")]
    public void TryParse_Malformed_ReturnsFalse(string text) => Assert.False(FhirDateRange.TryParse(text, out _, out _));

    [Fact]
    public void TryParse_LastYear_EndsAtMaxValue()
    {
        Assert.True(FhirDateRange.TryParse("9999", out _, out var end));
        Assert.Equal(DateTimeOffset.MaxValue, end);
    }
}
