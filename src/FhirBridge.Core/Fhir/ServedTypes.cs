using FhirBridge.Core.Errors;

namespace FhirBridge.Core.Fhir;

/// <summary>The resource types the REST API serves (issue #2); everything else is a 404 "unknown type".</summary>
public static class ServedTypes
{
    /// <summary>The type the access and disclosure logs are served as: read-only, kept in the log, not the resource store.</summary>
    public const string AuditLog = "AuditEvent";

    public static readonly IReadOnlyList<string> All =
    [
        "Patient", "Practitioner", "PractitionerRole", "Organization", "Endpoint", "Encounter",
        "EpisodeOfCare", "CareTeam", "CarePlan", "Goal", "Consent", "Task", "DocumentReference",
        "Observation", "QuestionnaireResponse", "Provenance", "Flag", "List", AuditLog,
    ];

    private static readonly HashSet<string> Set = new(All, StringComparer.Ordinal);

    public static bool IsServed(string type) => Set.Contains(type);

    /// <summary>404 for a type the server does not serve; 405 for the log, which no interaction of the resource store may touch.</summary>
    public static void EnsureStored(string type)
    {
        if (!IsServed(type))
        {
            throw new ResourceNotFoundException($"Unknown or unsupported resource type '{type}'.");
        }

        if (type == AuditLog)
        {
            throw new MethodNotAllowedException(
                "AuditEvent is the access and disclosure log: append-only, written by the server. Read it with GET [base]/AuditEvent and GET [base]/AuditEvent/[id].");
        }
    }
}
