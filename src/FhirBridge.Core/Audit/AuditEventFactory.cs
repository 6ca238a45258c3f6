using System.Text;
using FhirBridge.Core.Fhir;
using FhirBridge.Core.Security;
using Hl7.Fhir.Model;

namespace FhirBridge.Core.Audit;

/// <summary>
/// Writes the 703/2023 log entries of one request: an AccessLogEvent per client (and action) whose data it touched —
/// one without a client when it touched none — and a DisclosureLogEvent per client whose data went to a caller of
/// another organisation than the controller.
/// </summary>
public sealed class AuditEventFactory(AccessLogSettings settings, TimeProvider time)
{
    public const string AccessProfile = "https://fhirbridge.fi/fhir/StructureDefinition/AccessLogEvent";
    public const string DisclosureProfile = "https://fhirbridge.fi/fhir/StructureDefinition/DisclosureLogEvent";
    public const string ClientIdSystem = "https://fhirbridge.fi/fhir/sid/client-id";
    public const string RequestIdDetail = "request-id";

    private const string InteractionSystem = "http://hl7.org/fhir/restful-interaction";
    private const string DicomSystem = "http://dicom.nema.org/resources/ontology/DCM";

    public AccessLogSettings Settings => settings;

    /// <summary>The entries for a request; <paramref name="data"/> holds what it read or wrote, or was refused.</summary>
    public IReadOnlyList<AuditEntry> ForRequest(Caller caller, Interaction interaction, IReadOnlyList<LoggedData> data, RequestOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(interaction);
        ArgumentNullException.ThrowIfNull(data);
        var now = time.GetUtcNow();
        var events = new List<AuditEvent>();
        if (data.Count == 0)
        {
            events.Add(Access(caller, interaction, null, [], DefaultBasis(caller, outcome), outcome, now));
        }

        foreach (var group in data.GroupBy(d => (d.PatientId, d.Action)))
        {
            var items = group.ToList();
            var basis = items.Select(d => d.Basis).FirstOrDefault(b => b is not null) ?? DefaultBasis(caller, outcome);
            events.Add(Access(caller, interaction with { Action = group.Key.Action }, group.Key.PatientId, items, basis, outcome, now));
            if (outcome.Succeeded && group.Key.PatientId is not null && group.Key.Action == AuditEvent.AuditEventAction.R
                && caller.Organization != settings.Controller && basis is not null)
            {
                events.Add(Disclosure(caller, interaction, group.Key.PatientId, items, basis, now));
            }
        }

        return events.Select(e => AuditEntries.From(e)).ToList();
    }

    /// <summary>
    /// The DisclosureLogEvent of data the server itself sent to <paramref name="recipient"/>'s organisation (a bridge push):
    /// the disclosing controller and the recipient as agents, the client, the versions, and the consent used.
    /// </summary>
    public AuditEntry ForDisclosure(Caller recipient, Interaction interaction, string patientId, IReadOnlyList<LoggedData> items, LegalBasis basis)
    {
        ArgumentNullException.ThrowIfNull(recipient);
        return AuditEntries.From(Disclosure(recipient, interaction, patientId, items, basis, time.GetUtcNow()));
    }

    private AuditEvent Access(
        Caller caller, Interaction interaction, string? patientId, IReadOnlyList<LoggedData> items, LegalBasis? basis, RequestOutcome outcome,
        DateTimeOffset now)
    {
        var auditEvent = NewEvent(now, interaction, outcome, basis);
        auditEvent.Type = new Coding("http://terminology.hl7.org/CodeSystem/audit-event-type", "rest", "RESTful Operation");
        auditEvent.Agent = [UserAgent(caller), OrganizationAgent("user-organization", caller.Organization, null), .. ApplicationAgent(caller)];
        auditEvent.Entity = [.. PatientEntity(patientId), .. items.Select(i => DataEntity(i.Reference))];
        if (items.Count == 0 && interaction.Target is { } target && target.Contains('/', StringComparison.Ordinal))
        {
            auditEvent.Entity.Add(DataEntity(target));
        }

        if (interaction.Query is { Length: > 0 } query)
        {
            auditEvent.Entity.Add(new AuditEvent.EntityComponent
            {
                Type = new Coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "2", "System Object"),
                Role = new Coding(AuditEntries.ObjectRoleSystem, "24", "Query"),
                Query = Encoding.UTF8.GetBytes(query),
            });
        }

        if (patientId is not null && basis is not null)
        {
            auditEvent.Meta = new Meta { Profile = [AccessProfile] };
        }

        TagRequest(auditEvent, caller);
        return auditEvent;
    }

    private AuditEvent Disclosure(Caller caller, Interaction interaction, string patientId, IReadOnlyList<LoggedData> items, LegalBasis basis, DateTimeOffset now)
    {
        var auditEvent = NewEvent(now, interaction, RequestOutcome.Success, basis);
        auditEvent.Meta = new Meta { Profile = [DisclosureProfile] };
        auditEvent.Type = new Coding(DicomSystem, AuditEntries.DisclosureTypeCode, "Export");
        auditEvent.Period = new Period { StartElement = new FhirDateTime(now) };
        auditEvent.Agent =
        [
            OrganizationAgent("disclosing-controller", settings.Controller, settings.ControllerName),
            OrganizationAgent("recipient", caller.Organization, null),
            .. caller.User is null ? [] : new[] { UserAgent(caller) },
        ];
        auditEvent.Entity = [.. PatientEntity(patientId), .. items.Select(i => DataEntity(i.Reference))];
        if (basis.Code == LegalBasis.ConsentCode && basis.Source is { } consent)
        {
            auditEvent.Entity.Add(new AuditEvent.EntityComponent
            {
                What = new ResourceReference(consent),
                Role = new Coding(AuditEntries.ObjectRoleSystem, "13", "Security Resource"),
            });
        }

        TagRequest(auditEvent, caller);
        return auditEvent;
    }

    private AuditEvent NewEvent(DateTimeOffset now, Interaction interaction, RequestOutcome outcome, LegalBasis? basis) => new()
    {
        Id = Guid.CreateVersion7(now).ToString("N"),
        Subtype = [new Coding(InteractionSystem, interaction.Code)],
        Action = interaction.Action,
        Recorded = now,
        Outcome = outcome.Code,
        OutcomeDesc = outcome.Description,
        PurposeOfEvent = basis is null ? [] : [Purpose(basis)],
        Source = new AuditEvent.SourceComponent
        {
            Site = settings.Site,
            Observer = new ResourceReference { Display = settings.Site },
            Type = [new Coding("http://terminology.hl7.org/CodeSystem/security-source-type", "4", "Application Server")],
        },
    };

    private static CodeableConcept Purpose(LegalBasis basis) => new()
    {
        Coding = [new Coding(LegalBasis.System, basis.Code)],
        Text = basis.Reason is null ? null : $"Exceptional access: {basis.Reason}",
    };

    // Entries without a client still say why the caller acted: its role's own task.
    private static LegalBasis? DefaultBasis(Caller caller, RequestOutcome outcome) =>
        !outcome.Succeeded && outcome.Code == AuditEvent.AuditEventOutcome.N4 ? new LegalBasis(LegalBasis.NoneCode)
        : caller.Role switch
        {
            CallerRole.ComplianceOfficer => new LegalBasis(LegalBasis.SupervisionCode),
            CallerRole.SystemIntegration or CallerRole.Administrator => new LegalBasis(LegalBasis.StatutoryTaskCode),
            _ => null,
        };

    private static AuditEvent.AgentComponent UserAgent(Caller caller)
    {
        var agent = new AuditEvent.AgentComponent
        {
            Type = AgentType("user"),
            Who = new ResourceReference { Identifier = UserIdentifier(caller), Display = caller.Name ?? caller.ClientId },
            Requestor = true,
            Role = [new CodeableConcept { Text = caller.Role.ToText() }],
            PurposeOfUse = caller.PurposeOfUse is { } purpose ? [PurposeOfUse(purpose)] : [],
        };
        if (caller.Address is { } address)
        {
            agent.Network = new AuditEvent.NetworkComponent { Address = address, Type = AuditEvent.AuditEventAgentNetworkType.N2 };
        }

        return agent;
    }

    private static CodeableConcept PurposeOfUse(string purpose)
    {
        var bar = purpose.IndexOf('|', StringComparison.Ordinal);
        return bar < 0 ? new CodeableConcept(Caller.PurposeOfUseSystem, purpose) : new CodeableConcept(purpose[..bar], purpose[(bar + 1)..]);
    }

    private static Identifier UserIdentifier(Caller caller)
    {
        if (caller.User is { } user && user.IndexOf('|', StringComparison.Ordinal) is var bar and > 0)
        {
            return new Identifier(user[..bar], user[(bar + 1)..]);
        }

        return new Identifier(ClientIdSystem, caller.ClientId ?? caller.Subject);
    }

    private static IEnumerable<AuditEvent.AgentComponent> ApplicationAgent(Caller caller) => caller.ClientId is null || caller.User is null
        ? []
        : [new AuditEvent.AgentComponent
        {
            Type = new CodeableConcept(DicomSystem, "110150", "Application"),
            Who = new ResourceReference { Identifier = new Identifier(ClientIdSystem, caller.ClientId) },
            Requestor = false,
        }];

    private static AuditEvent.AgentComponent OrganizationAgent(string type, string oid, string? name) => new()
    {
        Type = AgentType(type),
        Who = new ResourceReference { Identifier = new Identifier { System = Oids.UrnPrefix + oid }, Display = name },
        Requestor = false,
    };

    private static CodeableConcept AgentType(string code) => new(AuditEntries.AgentTypeSystem, code);

    private static IEnumerable<AuditEvent.EntityComponent> PatientEntity(string? patientId) => patientId is null
        ? []
        : [new AuditEvent.EntityComponent { What = new ResourceReference("Patient/" + patientId), Role = new Coding(AuditEntries.ObjectRoleSystem, "1", "Patient") }];

    private static AuditEvent.EntityComponent DataEntity(string reference) =>
        new() { What = new ResourceReference(reference), Role = new Coding(AuditEntries.ObjectRoleSystem, "4", "Domain Resource") };

    // The request id joins the entries of one request (and the server's own logs): a detail of the first entity.
    private static void TagRequest(AuditEvent auditEvent, Caller caller)
    {
        if (auditEvent.Entity.Count == 0)
        {
            auditEvent.Entity.Add(new AuditEvent.EntityComponent { Type = new Coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "2", "System Object") });
        }

        auditEvent.Entity[0].Detail.Add(new AuditEvent.DetailComponent { Type = RequestIdDetail, Value = new FhirString(caller.RequestId) });
    }
}
