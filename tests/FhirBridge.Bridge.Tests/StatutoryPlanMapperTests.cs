using FhirBridge.Bridge.ConnectedSystems;
using FhirBridge.Bridge.StatutoryPlans;
using FhirBridge.Core.Terminology;
using FhirBridge.Fakes;
using FakePlans = FhirBridge.Fakes.StatutoryPlans;
using Hl7.Fhir.Model;

namespace FhirBridge.Bridge.Tests;

public class StatutoryPlanMapperTests
{
    private const string Hetu = "010190-9012";
    private static readonly Uri Base = new("http://127.0.0.1:5101/fhir");
    private static readonly StatutoryPlanMapper Mapper = new(new ConceptTranslator(ConceptMapSet.Load([])));

    [Fact]
    public void A_health_plan_becomes_a_StatutoryPlanReference_keeping_the_local_code()
    {
        var source = Source(FakeSystemKind.Ehr, "HOISUU");

        var mapped = Mapper.Map(StatutoryPlanFetcherTests.System(Base), source, "p1", Hetu);

        Assert.Empty(mapped.Issues);
        var reference = mapped.Reference!;
        Assert.Equal("1.2.246.10.23456789.10.7", mapped.DocumentOid);
        Assert.Equal([StatutoryPlanMapper.Profile], reference.Meta!.Profile);
        Assert.Equal($"{Base}/DocumentReference/{source.Id}", reference.Meta.Source);
        Assert.Equal(("urn:ietf:rfc:3986", "urn:oid:1.2.246.10.23456789.10.7"), (reference.MasterIdentifier!.System, reference.MasterIdentifier.Value));
        Assert.Equal([(FakePlans.EhrDocumentTypeSystem, "HOISUU"), (StatutoryPlanMapper.PlanTypeSystem, "health-plan")], reference.Type!.Coding.Select(c => (c.System, c.Code)));
        Assert.Equal(("Patient/p1", Hetu), (reference.Subject!.Reference, reference.Subject.Identifier!.Value));
        Assert.Equal(("Organization/org1", "urn:oid:1.2.246.10.23456789"), (reference.Custodian!.Reference, reference.Custodian.Identifier!.Value));
        Assert.Equal(source.Content[0].Attachment.Url, Assert.Single(reference.Content).Attachment.Url);
        Assert.Equal(DocumentReferenceStatus.Current, reference.Status);
    }

    [Fact]
    public void A_wider_social_welfare_type_is_mapped_with_an_information_issue()
    {
        var mapped = Mapper.Map(StatutoryPlanFetcherTests.System(Base, ConnectedSystemKind.SocialWelfare), Source(FakeSystemKind.SocialWelfare, "PALVSUUNN"), "p1", Hetu);

        Assert.Equal("social-welfare-plan", mapped.Reference!.Type!.Coding[1].Code);
        var issue = Assert.Single(mapped.Issues);
        Assert.Equal(OperationOutcome.IssueSeverity.Information, issue.Severity);
        Assert.StartsWith("EHR (Endpoint/ep1) DocumentReference/", issue.Diagnostics, StringComparison.Ordinal);
        Assert.DoesNotContain("not linked", issue.Diagnostics, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("LAAKSUU", "is unmatched in ConceptMap https://fhirbridge.fi/fhir/ConceptMap/ehr-plan-type")]
    [InlineData("OUTO", "has no mapping in ConceptMap https://fhirbridge.fi/fhir/ConceptMap/ehr-plan-type")]
    public void An_unmapped_type_is_reported_and_not_stored(string code, string why)
    {
        var mapped = Mapper.Map(StatutoryPlanFetcherTests.System(Base), Source(FakeSystemKind.Ehr, code), "p1", Hetu);

        Assert.Null(mapped.Reference);
        var issue = Assert.Single(mapped.Issues);
        Assert.Equal((OperationOutcome.IssueSeverity.Warning, OperationOutcome.IssueType.CodeInvalid), (issue.Severity, issue.Code));
        Assert.Contains($"Not mapped: {FakePlans.EhrDocumentTypeSystem}|{code} {why}", issue.Diagnostics, StringComparison.Ordinal);
        Assert.EndsWith("The document is not linked.", issue.Diagnostics, StringComparison.Ordinal);
    }

    [Fact]
    public void The_social_welfare_map_does_not_apply_to_EHR_codes()
    {
        var mapped = Mapper.Map(StatutoryPlanFetcherTests.System(Base, ConnectedSystemKind.SocialWelfare), Source(FakeSystemKind.Ehr, "HOISUU"), "p1", Hetu);

        Assert.Null(mapped.Reference);
        Assert.Contains("maps no codes of https://ehr.example/fhir/CodeSystem/document-type", Assert.Single(mapped.Issues).Diagnostics, StringComparison.Ordinal);
    }

    [Fact]
    public void Another_clients_document_and_one_without_a_document_OID_are_not_stored()
    {
        var other = Mapper.Map(StatutoryPlanFetcherTests.System(Base), Source(FakeSystemKind.Ehr, "HOISUU"), "p1", "020290-902S");
        var source = Source(FakeSystemKind.Ehr, "HOISUU");
        source.MasterIdentifier = new Identifier("https://ehr.example/documents", "12345");
        var withoutOid = Mapper.Map(StatutoryPlanFetcherTests.System(Base), source, "p1", Hetu);

        Assert.Null(other.Reference);
        Assert.Equal(OperationOutcome.IssueSeverity.Error, Assert.Single(other.Issues).Severity);
        Assert.Contains("is not the client's document (subject is not urn:oid:1.2.246.21|020290-902S)", other.Issues[0].Diagnostics, StringComparison.Ordinal);
        Assert.Null(withoutOid.Reference);
        Assert.Null(withoutOid.DocumentOid);
        Assert.Equal(["DocumentReference.masterIdentifier"], Assert.Single(withoutOid.Issues).Expression);
    }

    [Fact]
    public void Relative_attachment_urls_become_absolute_and_a_document_without_content_points_to_its_source()
    {
        var relative = Source(FakeSystemKind.Ehr, "HOISUU");
        relative.Content[0].Attachment.Url = "Binary/abc";
        var empty = Source(FakeSystemKind.Ehr, "HOISUU");
        empty.Content = [];

        Assert.Equal($"{Base}/Binary/abc", Mapper.Map(StatutoryPlanFetcherTests.System(Base), relative, "p1", Hetu).Reference!.Content[0].Attachment.Url);
        Assert.Equal($"{Base}/DocumentReference/{empty.Id}", Mapper.Map(StatutoryPlanFetcherTests.System(Base), empty, "p1", Hetu).Reference!.Content[0].Attachment.Url);
    }

    private static DocumentReference Source(FakeSystemKind kind, string code) =>
        FakePlans.Create(kind, Base, "1.2.246.10.23456789", Hetu, "1.2.246.10.23456789.10.7", "Suunnitelma", DateTimeOffset.UtcNow, code);
}
