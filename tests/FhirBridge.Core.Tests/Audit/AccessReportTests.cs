using FhirBridge.Core.Audit;
using FhirBridge.Core.Security;
using Hl7.Fhir.Model;
using Action = Hl7.Fhir.Model.AuditEvent.AuditEventAction;

namespace FhirBridge.Core.Tests.Audit;

public sealed class AccessReportTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);

    private static AccessReport Report()
    {
        var factory = new AuditEventFactory(new AccessLogSettings("1.2.246.10.12345678", "Testin hyvinvointialue"), new FixedTime(Now));
        var caller = AuditEventFactoryTests.Professional("1.2.246.10.87654321") with { Name = "Testi, \"Vastuu\" <b>" };
        var entries = factory.ForRequest(caller, new Interaction("read", Action.R, "CarePlan/p1"),
            [new LoggedData("CarePlan/p1/_history/1", "a1", new LegalBasis(LegalBasis.ConsentCode, "Consent/c1"), Action.R)], RequestOutcome.Success);
        return AccessReport.From("a1", Now.AddYears(-2), Now, entries);
    }

    [Fact]
    public void Rows_SayWhoWhenWhatAndOnWhatBasis()
    {
        var report = Report();

        Assert.Equal(2, report.Rows.Count);
        Assert.Equal(
            ["2026-11-23T10:00:00Z", "access", "read", "Testi, \"Vastuu\" <b> (urn:oid:1.2.246.537.26|10009901)", "urn:oid:1.2.246.10.87654321", "",
             "CarePlan/p1/_history/1", "consent", "success"],
            report.Rows[0]);
        Assert.Equal("disclosure", report.Rows[1][1]);
        Assert.Equal("Testin hyvinvointialue (urn:oid:1.2.246.10.12345678)", report.Rows[1][4]);
        Assert.Equal("urn:oid:1.2.246.10.87654321", report.Rows[1][5]);
        Assert.Equal("CarePlan/p1/_history/1 Consent/c1", report.Rows[1][6]);
    }

    [Fact]
    public void Csv_QuotesCells_AndHasAHeader()
    {
        var lines = Report().ToCsv().Split("\r\n");

        Assert.Equal("recorded,log,interaction,who,organisation,recipient,what,legal basis,outcome", lines[0]);
        Assert.StartsWith("2026-11-23T10:00:00Z,access,read,\"Testi, \"\"Vastuu\"\" <b> (urn:oid:1.2.246.537.26|10009901)\",", lines[1]);
        Assert.Equal(4, lines.Length); // header, two rows, and the empty string after the last line break
    }

    [Fact]
    public void Html_EncodesEveryCell()
    {
        var html = Report().ToHtml();

        Assert.Contains("Testi, &quot;Vastuu&quot; &lt;b&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>", html, StringComparison.Ordinal);
        Assert.Contains("Period: 2024-11-23 – 2026-11-23", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Bundle_HoldsTheEntriesAsAuditEvents()
    {
        var bundle = Report().ToBundle(new Uri("http://localhost/fhir"));

        Assert.Equal(Bundle.BundleType.Collection, bundle.Type);
        Assert.Equal(2, bundle.Entry.Count);
        Assert.All(bundle.Entry, e => Assert.StartsWith("http://localhost/fhir/AuditEvent/", e.FullUrl, StringComparison.Ordinal));
    }
}
