using FhirBridge.Core.Audit;
using FhirBridge.Core.Errors;
using FhirBridge.Core.Search;

namespace FhirBridge.Core.Tests.Audit;

public sealed class AuditSearchTests
{
    private static readonly PageSizes Sizes = new(20, 100);

    private static AuditQuery Parse(params (string Name, string Value)[] parameters) =>
        AuditSearch.Parse(parameters.Select(p => KeyValuePair.Create(p.Name, p.Value)).ToList(), Sizes);

    [Fact]
    public void EveryFilter_IsRead()
    {
        var query = Parse(("patient", "Patient/a1"), ("agent", "urn:oid:1.2.246.537.26|10009901"), ("organization", "urn:oid:1.2.246.10.1"),
            ("date", "ge2026-01-01"), ("date", "lt2026-02"), ("type", "disclosure"), ("action", "R"), ("outcome", "4"),
            ("legal-basis", "consent,https://fhirbridge.fi/fhir/CodeSystem/legal-basis|break-glass"), ("break-glass", "true"), ("_count", "500"),
            ("_sort", "date"), ("_page", "tok"));

        Assert.Equal(new AuditQuery("a1", "urn:oid:1.2.246.537.26|10009901", "1.2.246.10.1", new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero),
            new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero), AuditKind.Disclosure, "R", "4", query.LegalBases, true, 100, "tok", true), query);
        Assert.Equal(["consent", "break-glass"], query.LegalBases);
    }

    [Fact]
    public void DateWithoutPrefix_IsItsWholeRange()
    {
        var query = Parse(("date", "2026-03-04"));

        Assert.Equal((new DateTimeOffset(2026, 3, 4, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 3, 5, 0, 0, 0, TimeSpan.Zero)),
            (query.RecordedFrom, query.RecordedTo));
    }

    [Theory]
    [InlineData("colour", "red", "Unknown AuditEvent search parameter 'colour'")]
    [InlineData("action", "X", "Parameter 'action' is one of C, R, U, D, E, not 'X'.")]
    [InlineData("date", "yesterday", "Parameter 'date' needs a FHIR date or dateTime, not 'yesterday'.")]
    [InlineData("date", "sa2026", "Parameter 'date' supports the prefixes eq, ge, gt, le and lt, not 'sa'.")]
    [InlineData("type", "other", "Parameter 'type' is access (rest) or disclosure (110106), not 'other'.")]
    [InlineData("break-glass", "yes", "Parameter 'break-glass' is one of true, false, not 'yes'.")]
    [InlineData("_count", "-1", "Parameter '_count' needs a positive whole number, not '-1'.")]
    [InlineData("patient", "Group/g", "Parameter 'patient' takes Patient/id or an id, not 'Group/g'.")]
    public void BadParameter_IsA400NamingIt(string name, string value, string message)
    {
        var error = Assert.Throws<BadRequestException>(() => Parse((name, value)));

        Assert.StartsWith(message, error.Issues[0].Diagnostics, StringComparison.Ordinal);
        Assert.Equal(name, error.Issues[0].Expression.Single());
    }
}
