using FhirBridge.Core.Fhir;
using FhirBridge.Core.Security;
using Hl7.Fhir.Model;

namespace FhirBridge.Core.Audit;

/// <summary>Derives an <see cref="AuditEntry"/>'s query columns from its AuditEvent: the one place that reads them back.</summary>
public static class AuditEntries
{
    public const string AgentTypeSystem = "https://fhirbridge.fi/fhir/CodeSystem/audit-agent-type";
    public const string ObjectRoleSystem = "http://terminology.hl7.org/CodeSystem/object-role";
    public const string DisclosureTypeCode = "110106";

    /// <summary>Serializes <paramref name="auditEvent"/> to its canonical (compact) JSON and derives the columns from it.</summary>
    public static AuditEntry From(AuditEvent auditEvent) => From(auditEvent, FhirSerializer.ToJson(auditEvent));

    /// <summary>The columns of an event whose canonical JSON is <paramref name="json"/>.</summary>
    public static AuditEntry From(AuditEvent auditEvent, string json)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        var kind = auditEvent.Type?.Code == DisclosureTypeCode ? AuditKind.Disclosure : AuditKind.Access;
        var basis = auditEvent.PurposeOfEvent.SelectMany(c => c.Coding).FirstOrDefault(c => c.System == LegalBasis.System)?.Code;
        var organizationAgent = kind == AuditKind.Disclosure ? "recipient" : "user-organization";
        return new AuditEntry(
            auditEvent.Id ?? throw new ArgumentException("An AuditEvent to log needs an id.", nameof(auditEvent)),
            auditEvent.Recorded ?? throw new ArgumentException("An AuditEvent to log needs recorded.", nameof(auditEvent)),
            kind,
            ActionCode(auditEvent.Action),
            OutcomeCode(auditEvent.Outcome),
            PatientId(auditEvent),
            Agent(auditEvent, "user")?.Who?.Identifier is { } user ? $"{user.System}|{user.Value}" : null,
            Agent(auditEvent, organizationAgent)?.Who?.Identifier is { } organization ? Oids.Of(organization) : null,
            basis,
            basis == LegalBasis.BreakGlassCode,
            json);
    }

    private static AuditEvent.AgentComponent? Agent(AuditEvent auditEvent, string type) =>
        auditEvent.Agent.FirstOrDefault(a => a.Type?.Coding.Any(c => c.System == AgentTypeSystem && c.Code == type) == true);

    private static string? PatientId(AuditEvent auditEvent)
    {
        var reference = auditEvent.Entity.FirstOrDefault(e => e.Role?.System == ObjectRoleSystem && e.Role.Code == "1")?.What?.Reference;
        return PatientCompartment.PatientId(reference);
    }

    private static string ActionCode(AuditEvent.AuditEventAction? action) => action switch
    {
        AuditEvent.AuditEventAction.C => "C",
        AuditEvent.AuditEventAction.R => "R",
        AuditEvent.AuditEventAction.U => "U",
        AuditEvent.AuditEventAction.D => "D",
        _ => "E",
    };

    private static string OutcomeCode(AuditEvent.AuditEventOutcome? outcome) => outcome switch
    {
        AuditEvent.AuditEventOutcome.N4 => "4",
        AuditEvent.AuditEventOutcome.N8 => "8",
        AuditEvent.AuditEventOutcome.N12 => "12",
        _ => "0",
    };
}
