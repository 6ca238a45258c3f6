using FhirBridge.Core.Audit;
using FhirBridge.Core.Fhir;
using FhirBridge.Core.Security;
using FhirBridge.Core.Tests.Validation;
using FhirBridge.Core.Validation;
using Hl7.Fhir.Model;
using Action = Hl7.Fhir.Model.AuditEvent.AuditEventAction;

namespace FhirBridge.Core.Tests.Audit;

public sealed class AuditEventFactoryTests
{
    private const string Controller = "1.2.246.10.12345678";
    private const string OtherOrganization = "1.2.246.10.87654321";
    private static readonly ProfileValidator Validator = new(new ConformanceSource(FhirBridgePackage.Resources));
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);

    private readonly AuditEventFactory _factory = new(new AccessLogSettings(Controller, "Testin hyvinvointialue"), new FixedTime(Now));

    [Fact]
    public void Read_ByControllerStaff_IsOneConformingAccessEntry()
    {
        var caller = Professional(Controller);
        var basis = new LegalBasis(LegalBasis.CareRelationshipCode, "CareTeam/t1");

        var entries = _factory.ForRequest(caller, new Interaction("read", Action.R, "CarePlan/p1"),
            [new LoggedData("CarePlan/p1/_history/2", "a1", basis, Action.R)], RequestOutcome.Success);

        var entry = Assert.Single(entries);
        Assert.Equal((AuditKind.Access, "R", "0", "a1", "urn:oid:1.2.246.537.26|10009901", Controller, "care-relationship", false),
            (entry.Kind, entry.Action, entry.Outcome, entry.PatientId, entry.User, entry.Organization, entry.LegalBasis, entry.BreakGlass));
        Assert.Equal(Now, entry.Recorded);
        var auditEvent = Parse(entry);
        Assert.Equal([AuditEventFactory.AccessProfile], auditEvent.Meta!.Profile);
        Outcomes.AssertNoErrors(Validator.Validate(auditEvent));
        Assert.Equal(["Patient/a1", "CarePlan/p1/_history/2"], auditEvent.Entity.Select(e => e.What!.Reference));
        Assert.Equal("req-1", ((FhirString)auditEvent.Entity[0].Detail.Single().Value!).Value);
    }

    [Fact]
    public void Search_OverTwoClients_IsOneEntryPerClient_AndRecordsTheQuery()
    {
        var basis = new LegalBasis(LegalBasis.CareRelationshipCode);

        var entries = _factory.ForRequest(Professional(Controller), new Interaction("search-type", Action.R, "CarePlan", "status=active"),
            [new LoggedData("CarePlan/p1/_history/1", "a1", basis, Action.R), new LoggedData("CarePlan/p2/_history/1", "a2", basis, Action.R),
             new LoggedData("CarePlan/p3/_history/1", "a1", basis, Action.R)], RequestOutcome.Success);

        Assert.Equal(["a1", "a2"], entries.Select(e => e.PatientId));
        var first = Parse(entries[0]);
        Assert.Equal("status=active", System.Text.Encoding.UTF8.GetString(first.Entity.Single(e => e.Role?.Code == "24").Query!));
        Assert.Equal(2, first.Entity.Count(e => e.Role?.Code == "4"));
    }

    [Fact]
    public void Read_ByAnotherOrganisation_OnConsent_AddsAConformingDisclosureEntry()
    {
        var basis = new LegalBasis(LegalBasis.ConsentCode, "Consent/c1");

        var entries = _factory.ForRequest(Professional(OtherOrganization), new Interaction("read", Action.R, "CarePlan/p1"),
            [new LoggedData("CarePlan/p1/_history/1", "a1", basis, Action.R)], RequestOutcome.Success);

        Assert.Equal([AuditKind.Access, AuditKind.Disclosure], entries.Select(e => e.Kind));
        var disclosure = entries[1];
        Assert.Equal((OtherOrganization, "consent", "a1"), (disclosure.Organization, disclosure.LegalBasis, disclosure.PatientId));
        var auditEvent = Parse(disclosure);
        Outcomes.AssertNoErrors(Validator.Validate(auditEvent));
        Assert.Equal(Now, auditEvent.Period!.StartElement!.ToDateTimeOffset(TimeSpan.Zero));
        Assert.Contains(auditEvent.Entity, e => e.Role?.Code == "13" && e.What!.Reference == "Consent/c1");
        Assert.Contains(auditEvent.Agent, a => a.Type!.Coding[0].Code == "disclosing-controller" && a.Who!.Identifier!.System == "urn:oid:" + Controller);
    }

    [Fact]
    public void Write_ByAnotherOrganisation_IsNotADisclosure()
    {
        var entries = _factory.ForRequest(Professional(OtherOrganization), new Interaction("create", Action.C, "CarePlan"),
            [new LoggedData("CarePlan/p1/_history/1", "a1", new LegalBasis(LegalBasis.ConsentCode, "Consent/c1"), Action.C)], RequestOutcome.Success);

        Assert.Equal(AuditKind.Access, Assert.Single(entries).Kind);
        Assert.Equal("C", entries[0].Action);
    }

    [Fact]
    public void DeniedAttempt_RecordsNoBasis_AndTheReason()
    {
        var entries = _factory.ForRequest(Professional(Controller), new Interaction("read", Action.R, "CarePlan/p1"),
            [new LoggedData("CarePlan/p1", "a1", null, Action.R)], new RequestOutcome(AuditEvent.AuditEventOutcome.N4, "No lawful basis"));

        var entry = Assert.Single(entries);
        Assert.Equal(("4", "none", "a1"), (entry.Outcome, entry.LegalBasis, entry.PatientId));
        Assert.Equal("No lawful basis", Parse(entry).OutcomeDesc);
    }

    [Fact]
    public void BreakGlass_IsFlagged_WithTheStatedReason()
    {
        var caller = Professional(Controller) with { BreakGlassReason = "Client unconscious at the emergency ward" };

        var entries = _factory.ForRequest(caller, new Interaction("read", Action.R, "CarePlan/p1"),
            [new LoggedData("CarePlan/p1/_history/1", "a1", new LegalBasis(LegalBasis.BreakGlassCode, Reason: caller.BreakGlassReason), Action.R)],
            RequestOutcome.Success);

        var entry = Assert.Single(entries);
        Assert.True(entry.BreakGlass);
        Assert.Equal("Exceptional access: Client unconscious at the emergency ward", Parse(entry).PurposeOfEvent[0].Text);
    }

    [Fact]
    public void RequestWithoutClientData_IsOneEntryWithoutPatient_NamingTheTarget()
    {
        var caller = Professional(Controller) with { Role = CallerRole.SystemIntegration, User = null, ClientId = "ehr-1" };

        var entry = Assert.Single(_factory.ForRequest(caller, new Interaction("read", Action.R, "Practitioner/x"), [], RequestOutcome.Success));

        Assert.Null(entry.PatientId);
        Assert.Equal(("statutory-task", "https://fhirbridge.fi/fhir/sid/client-id|ehr-1"), (entry.LegalBasis, entry.User));
        var auditEvent = Parse(entry);
        Assert.Null(auditEvent.Meta);
        Assert.Equal("Practitioner/x", auditEvent.Entity.Single().What!.Reference);
    }

    [Fact]
    public void CallerAddress_IsRecordedOnlyWhenGiven()
    {
        var without = Parse(_factory.ForRequest(Professional(Controller), new Interaction("search-type", Action.R, "Patient"), [], RequestOutcome.Success)[0]);
        var with = Parse(_factory.ForRequest(Professional(Controller) with { Address = "10.0.0.7" }, new Interaction("search-type", Action.R, "Patient"), [],
            RequestOutcome.Success)[0]);

        Assert.Null(without.Agent[0].Network);
        Assert.Equal("10.0.0.7", with.Agent[0].Network!.Address);
    }

    [Fact]
    public void EntryColumns_AreDerivedFromItsJson()
    {
        var entry = _factory.ForRequest(Professional(OtherOrganization), new Interaction("read", Action.R, "CarePlan/p1"),
            [new LoggedData("CarePlan/p1/_history/1", "a1", new LegalBasis(LegalBasis.ConsentCode, "Consent/c1"), Action.R)], RequestOutcome.Success)[1];

        Assert.Equal(entry, AuditEntries.From(Parse(entry), entry.Json));
        Assert.Equal(entry.Json, FhirSerializer.ToJson(Parse(entry)));
    }

    internal static Caller Professional(string organization) => new(
        "user-1", "urn:oid:1.2.246.537.26|10009901", organization, CallerRole.Professional, ScopeSet.Parse("user/*.cruds"),
        "app-1", "Testi Vastuu", null, "req-1", null);

    private static AuditEvent Parse(AuditEntry entry) => (AuditEvent)FhirSerializer.ParseJson(entry.Json);
}
