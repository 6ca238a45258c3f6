using FhirBridge.Core.Audit;
using FhirBridge.Core.Fhir;
using FhirBridge.Core.Security;
using Hl7.Fhir.Model;

namespace FhirBridge.Storage.Tests;

/// <summary>Builds AccessLogEvent / DisclosureLogEvent-shaped AuditEvents and their log entries for tests.</summary>
internal static class TestAuditEvents
{
    public const string Organization = "1.2.246.10.12345678";
    public const string OtherOrganization = "1.2.246.10.87654321";
    public const string UserSystem = "urn:oid:1.2.246.537.26";

    public static readonly DateTimeOffset Start = new(2025, 2, 3, 8, 15, 0, TimeSpan.FromHours(2));

    /// <summary>An access (or disclosure) log entry; <paramref name="minutes"/> after <see cref="Start"/>.</summary>
    public static AuditEntry Entry(
        string id,
        int minutes = 0,
        string? patient = "asiakas-1",
        string? user = "10009901",
        string organization = Organization,
        string? basis = LegalBasis.ClientRelationshipCode,
        bool disclosure = false,
        AuditEvent.AuditEventAction action = AuditEvent.AuditEventAction.R,
        AuditEvent.AuditEventOutcome outcome = AuditEvent.AuditEventOutcome.N0)
    {
        var auditEvent = new AuditEvent
        {
            Id = id,
            Meta = new Meta { Profile = [disclosure ? "https://fhirbridge.fi/fhir/StructureDefinition/DisclosureLogEvent" : "https://fhirbridge.fi/fhir/StructureDefinition/AccessLogEvent"] },
            Type = disclosure
                ? new Coding("http://dicom.nema.org/resources/ontology/DCM", AuditEntries.DisclosureTypeCode)
                : new Coding("http://terminology.hl7.org/CodeSystem/audit-event-type", "rest"),
            Action = action,
            Recorded = Start.AddMinutes(minutes),
            Outcome = outcome,
            Source = new AuditEvent.SourceComponent { Site = "FhirBridge", Observer = new ResourceReference { Display = "FhirBridge" } },
        };
        if (basis is not null)
        {
            auditEvent.PurposeOfEvent.Add(new CodeableConcept(LegalBasis.System, basis));
        }

        if (user is not null)
        {
            auditEvent.Agent.Add(Agent("user", new Identifier(UserSystem, user), requestor: true));
        }

        auditEvent.Agent.Add(Agent(disclosure ? "recipient" : "user-organization", new Identifier { System = Oids.UrnPrefix + organization }, requestor: false));
        if (patient is not null)
        {
            auditEvent.Entity.Add(new AuditEvent.EntityComponent
            {
                What = new ResourceReference("Patient/" + patient),
                Role = new Coding(AuditEntries.ObjectRoleSystem, "1"),
            });
        }

        return AuditEntries.From(auditEvent);
    }

    private static AuditEvent.AgentComponent Agent(string type, Identifier identifier, bool requestor) => new()
    {
        Type = new CodeableConcept(AuditEntries.AgentTypeSystem, type),
        Who = new ResourceReference { Identifier = identifier },
        Requestor = requestor,
    };
}
