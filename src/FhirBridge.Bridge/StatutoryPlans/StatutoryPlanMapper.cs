using FhirBridge.Bridge.ConnectedSystems;
using FhirBridge.Core.Errors;
using FhirBridge.Core.Fhir;
using FhirBridge.Core.Terminology;
using Hl7.Fhir.Model;
using IssueSeverity = Hl7.Fhir.Model.OperationOutcome.IssueSeverity;
using IssueType = Hl7.Fhir.Model.OperationOutcome.IssueType;

namespace FhirBridge.Bridge.StatutoryPlans;

/// <summary>
/// Turns a plan document a connected system serves into the StatutoryPlanReference FhirBridge stores: the local
/// document type mapped with the system's plan-type ConceptMap (never guessed), the document OID as masterIdentifier,
/// the client as a literal Patient reference and the system's organisation as custodian.
/// </summary>
public sealed class StatutoryPlanMapper(ConceptTranslator translator)
{
    public const string Profile = "https://fhirbridge.fi/fhir/StructureDefinition/StatutoryPlanReference";
    public const string PlanTypeSystem = "https://fhirbridge.fi/fhir/CodeSystem/statutory-plan-type";
    public const string UriSystem = "urn:ietf:rfc:3986";

    /// <summary>The ConceptMap that maps the local document types of a kind of system (mappings/).</summary>
    public static string PlanTypeMap(ConnectedSystemKind kind) => kind switch
    {
        ConnectedSystemKind.PatientRecord => "https://fhirbridge.fi/fhir/ConceptMap/ehr-plan-type",
        ConnectedSystemKind.SocialWelfare => "https://fhirbridge.fi/fhir/ConceptMap/social-welfare-plan-type",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>
    /// The reference to store for <paramref name="source"/> of the client Patient/<paramref name="patientId"/>
    /// (<paramref name="hetu"/>), or null when it must not be stored; the issues say why, or what was only approximate.
    /// </summary>
    public MappedPlan Map(ConnectedSystem system, DocumentReference source, string patientId, string hetu)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(source);
        var issues = new List<OperationOutcome.IssueComponent>();
        var where = $"{system.Name} (Endpoint/{system.EndpointId}) DocumentReference/{source.Id}";
        var documentOid = source.MasterIdentifier is { System: UriSystem, Value: { } value } && Oids.Normalize(value) is { } oid && value.StartsWith(Oids.UrnPrefix, StringComparison.Ordinal)
            ? oid
            : null;
        if (documentOid is null)
        {
            issues.Add(Issue(IssueSeverity.Warning, IssueType.Required, $"{where}: has no document OID (masterIdentifier {UriSystem}|urn:oid:…); not linked.", "DocumentReference.masterIdentifier"));
            return new MappedPlan(null, null, issues);
        }

        where += $" ({Oids.UrnPrefix}{documentOid})";
        if (source.Subject?.Identifier is not { System: StatutoryPlanFetcher.PersonalIdentityCodeSystem } client || client.Value != hetu)
        {
            // A system answering with another client's document must never get it linked to this client's plan.
            issues.Add(Issue(IssueSeverity.Error, IssueType.BusinessRule, $"{where}: is not the client's document (subject is not {StatutoryPlanFetcher.PersonalIdentityCodeSystem}|{hetu}); not linked.", "DocumentReference.subject"));
            return new MappedPlan(documentOid, null, issues);
        }

        var type = translator.Map(source.Type ?? new CodeableConcept(), PlanTypeMap(system.Kind), "DocumentReference.type");
        var mapped = type.Concept.Coding.Any(c => c.System == PlanTypeSystem);
        issues.AddRange(type.Issues.Select(i => Located(i, where, mapped)));
        if (!mapped)
        {
            if (type.Issues.Count == 0)
            {
                issues.Add(Issue(IssueSeverity.Warning, IssueType.CodeInvalid, $"{where}: has no document type to map; not linked.", "DocumentReference.type"));
            }

            return new MappedPlan(documentOid, null, issues);
        }

        return new MappedPlan(documentOid, Reference(system, source, documentOid, type.Concept, patientId, hetu), issues);
    }

    private static DocumentReference Reference(ConnectedSystem system, DocumentReference source, string documentOid, CodeableConcept type, string patientId, string hetu)
    {
        var sourceUrl = $"{system.BaseUrl.AbsoluteUri}/DocumentReference/{source.Id}";
        var attachments = source.Content.Select(c => c.Attachment).Where(a => !string.IsNullOrEmpty(a?.Url)).ToList();
        return new DocumentReference
        {
            Meta = new Meta { Profile = [Profile], Source = sourceUrl },
            MasterIdentifier = new Identifier(UriSystem, Oids.UrnPrefix + documentOid),
            Status = source.Status ?? DocumentReferenceStatus.Current,
            DocStatus = source.DocStatus,
            Type = type,
            Subject = new ResourceReference($"Patient/{patientId}") { Identifier = new Identifier(StatutoryPlanFetcher.PersonalIdentityCodeSystem, hetu) },
            Date = source.Date,
            Custodian = new ResourceReference($"Organization/{system.OrganizationId}")
            {
                Identifier = new Identifier(UriSystem, Oids.UrnPrefix + system.OrganizationOid),
                Display = system.Name,
            },
            Description = source.Description ?? source.Type?.Text,
            // The document stays in the source system: FhirBridge keeps where to open it.
            Content = attachments.Count > 0
                ? [.. attachments.Select(a => new DocumentReference.ContentComponent { Attachment = Absolute(system, a!) })]
                : [new DocumentReference.ContentComponent { Attachment = new Attachment { Url = sourceUrl } }],
        };
    }

    private static Attachment Absolute(ConnectedSystem system, Attachment attachment)
    {
        var copy = (Attachment)attachment.DeepCopy();
        copy.Data = null;
        if (!Uri.IsWellFormedUriString(copy.Url, UriKind.Absolute))
        {
            copy.Url = $"{system.BaseUrl.AbsoluteUri}/{copy.Url!.TrimStart('/')}";
        }

        return copy;
    }

    private static OperationOutcome.IssueComponent Located(OperationOutcome.IssueComponent issue, string where, bool mapped)
    {
        var copy = (OperationOutcome.IssueComponent)issue.DeepCopy();
        copy.Diagnostics = $"{where}: {issue.Diagnostics}{(mapped ? "" : " The document is not linked.")}";
        return copy;
    }

    private static OperationOutcome.IssueComponent Issue(IssueSeverity severity, IssueType code, string message, string expression) =>
        FhirException.Issue(severity, code, message, expression);
}

/// <summary>What <see cref="StatutoryPlanMapper.Map"/> made of one source document.</summary>
/// <param name="DocumentOid">The document's OID (bare), when it has one.</param>
/// <param name="Reference">The StatutoryPlanReference to store; null when the document is skipped.</param>
/// <param name="Issues">Why it was skipped, or what was approximate.</param>
public sealed record MappedPlan(string? DocumentOid, DocumentReference? Reference, IReadOnlyList<OperationOutcome.IssueComponent> Issues);
