using FhirBridge.Core.Search;

namespace FhirBridge.Core.Tests.Search;

public sealed class SearchTextTests
{
    [Theory]
    [InlineData("Äijälä", "aijala")]
    [InlineData("Öhman-Åkerström", "ohman-akerstrom")]
    [InlineData("Virtanen", "virtanen")]
    [InlineData("José Müller", "jose muller")]
    [InlineData("Søren Łukasz", "soren lukasz")]
    [InlineData("A\u0308ija\u0308la\u0308", "aijala")]
    public void Normalize_FoldsCaseAndAccents(string input, string expected) =>
        Assert.Equal(expected, SearchText.Normalize(input));
}
