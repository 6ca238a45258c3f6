namespace FhirBridge.Core.Fhir;

/// <summary>The resource types the REST API serves (issue #2); everything else is a 404 "unknown type".</summary>
public static class ServedTypes
{
    public static readonly IReadOnlyList<string> All =
    [
        "Patient", "Practitioner", "PractitionerRole", "Organization", "Endpoint", "Encounter",
        "EpisodeOfCare", "CareTeam", "CarePlan", "Goal", "Consent", "Task", "DocumentReference",
        "Observation", "QuestionnaireResponse", "Provenance", "AuditEvent",
    ];

    private static readonly HashSet<string> Set = new(All, StringComparer.Ordinal);

    public static bool IsServed(string type) => Set.Contains(type);
}
