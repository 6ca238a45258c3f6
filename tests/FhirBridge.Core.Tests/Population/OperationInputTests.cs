using FhirBridge.Core.Errors;
using FhirBridge.Core.Population;
using Hl7.Fhir.Model;

namespace FhirBridge.Core.Tests.Population;

public sealed class OperationInputTests
{
    private static readonly string[] Names = ["threshold", "window", "as-of", "organization"];

    private static OperationInput Of(params (string Name, string Value)[] query) =>
        OperationInput.Of("$op", Names, query.Select(q => new KeyValuePair<string, string>(q.Name, q.Value)));

    [Fact]
    public void Defaults_apply_when_a_parameter_is_absent()
    {
        var input = Of(("_format", "json"));

        Assert.Equal(8, input.Integer("threshold", 8, 0));
        Assert.Equal(new DateOnly(2026, 1, 31), input.Date("as-of", new DateOnly(2026, 1, 31)));
        Assert.Equal(new DateOnly(2025, 7, 31), input.Duration("window", "6mo")(new DateOnly(2026, 1, 31)));
        Assert.Null(input.Reference("organization", "Organization"));
    }

    [Theory]
    [InlineData("180d", "2025-08-04")]
    [InlineData("26wk", "2025-08-02")]
    [InlineData("6mo", "2025-07-31")]
    [InlineData("1a", "2025-01-31")]
    public void A_window_counts_back_in_its_unit(string window, string start)
    {
        Assert.Equal(DateOnly.Parse(start, System.Globalization.CultureInfo.InvariantCulture), Of(("window", window)).Duration("window", "6mo")(new DateOnly(2026, 1, 31)));
    }

    [Fact]
    public void A_Parameters_body_gives_primitive_values_and_references()
    {
        var body = new Parameters();
        body.Add("threshold", new Integer(3));
        body.Add("organization", new ResourceReference("Organization/x"));

        var input = OperationInput.Of("$op", Names, [], body);

        Assert.Equal(3, input.Integer("threshold", 8, 0));
        Assert.Equal("Organization/x", input.Reference("organization", "Organization"));
    }

    [Fact]
    public void A_complex_value_in_the_body_is_refused()
    {
        var body = new Parameters();
        body.Add("window", new Period());

        var error = Assert.Throws<BadRequestException>(() => OperationInput.Of("$op", Names, [], body));

        Assert.Equal("$op: parameter 'window' needs a primitive value or a reference.", error.Issues[0].Diagnostics);
    }

    [Fact]
    public void The_same_parameter_in_the_query_and_the_body_is_refused()
    {
        var body = new Parameters();
        body.Add("threshold", new Integer(3));

        var error = Assert.Throws<BadRequestException>(() => OperationInput.Of("$op", Names, [new("threshold", "4")], body));

        Assert.Equal("$op: parameter 'threshold' may be given only once.", error.Issues[0].Diagnostics);
    }

    [Theory]
    [InlineData("0d")]
    [InlineData("1201mo")]
    [InlineData("6 mo")]
    public void A_window_out_of_range_or_malformed_is_refused(string window)
    {
        var error = Assert.Throws<BadRequestException>(() => Of(("window", window)).Duration("window", "6mo"));

        Assert.Equal($"$op: parameter 'window' must be a length such as 6mo, 26wk, 180d or 1a (1 to 1200 units), not '{window}'.", error.Issues[0].Diagnostics);
    }
}
