using System.Text.Json;
using FhirBridge.Core.Search;
using Hl7.Fhir.Model;

namespace FhirBridge.Core.Security;

/// <summary>
/// Whose client data a resource is: the patient(s) of each served type, the search parameter that filters the type by
/// patient, and the consent data class (https://fhirbridge.fi/fhir/CodeSystem/consent-data-class) it belongs to.
/// </summary>
public static class PatientCompartment
{
    public const string DataClassSystem = "https://fhirbridge.fi/fhir/CodeSystem/consent-data-class";

    private sealed record Rule(string Element, string SearchParameter, string? DataClass);

    // Patient and Consent have no data class: any consented class covers them.
    private static readonly Dictionary<string, Rule> Rules = new(StringComparer.Ordinal)
    {
        ["Patient"] = new("id", "_id", null),
        ["CarePlan"] = new("subject", "subject", "plan"),
        ["Goal"] = new("subject", "subject", "plan"),
        ["Observation"] = new("subject", "subject", "plan"),
        ["QuestionnaireResponse"] = new("subject", "subject", "plan"),
        ["Task"] = new("for", "subject", "plan"),
        ["CareTeam"] = new("subject", "subject", "care-team"),
        ["Encounter"] = new("subject", "subject", "episode"),
        ["EpisodeOfCare"] = new("patient", "patient", "episode"),
        ["DocumentReference"] = new("subject", "subject", "documents"),
        ["Consent"] = new("patient", "patient", null),
        ["Provenance"] = new("target", "target", null),
        ["Flag"] = new("subject", "subject", "episode"),
        ["List"] = new("subject", "subject", "episode"),
    };

    private static readonly HashSet<string> Directory = new(StringComparer.Ordinal) { "Practitioner", "PractitionerRole", "Organization", "Endpoint" };

    /// <summary>True for types whose resources belong to a client (need a lawful basis).</summary>
    public static bool IsClientData(string type) => Rules.ContainsKey(type);

    /// <summary>True for the directory types (Practitioner, PractitionerRole, Organization, Endpoint): no client's data.</summary>
    public static bool IsDirectory(string type) => Directory.Contains(type);

    /// <summary>The search parameter that restricts <paramref name="type"/> to given patients (Patient: _id), or null.</summary>
    public static string? SearchParameter(string type) => Rules.GetValueOrDefault(type)?.SearchParameter;

    /// <summary>The consent data class of <paramref name="type"/>; null when any class covers it (Patient, Consent, Provenance) or it is no client data.</summary>
    public static string? DataClass(string type) => Rules.GetValueOrDefault(type)?.DataClass;

    /// <summary>The Patient ids the resource JSON belongs to (distinct, possibly empty), read without a FHIR parse.</summary>
    public static IReadOnlyList<string> PatientsOf(string type, string json)
    {
        if (!Rules.TryGetValue(type, out var rule))
        {
            return [];
        }

        using var document = JsonDocument.Parse(json);
        if (!document.RootElement.TryGetProperty(rule.Element, out var element))
        {
            return [];
        }

        if (type == "Patient")
        {
            return element.ValueKind == JsonValueKind.String ? [element.GetString()!] : [];
        }

        var references = element.ValueKind == JsonValueKind.Array ? element.EnumerateArray().ToList() : [element];
        return Distinct(references.Select(r =>
            r.ValueKind == JsonValueKind.Object && r.TryGetProperty("reference", out var text) && text.ValueKind == JsonValueKind.String
                ? text.GetString()
                : null));
    }

    /// <summary>The Patient ids a resource belongs to (distinct, possibly empty).</summary>
    public static IReadOnlyList<string> PatientsOf(Resource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        if (resource is Patient patient)
        {
            return string.IsNullOrEmpty(patient.Id) ? [] : [patient.Id];
        }

        IEnumerable<ResourceReference?> references = resource switch
        {
            CarePlan r => [r.Subject],
            Goal r => [r.Subject],
            Observation r => [r.Subject],
            QuestionnaireResponse r => [r.Subject],
            Hl7.Fhir.Model.Task r => [r.For],
            CareTeam r => [r.Subject],
            Encounter r => [r.Subject],
            EpisodeOfCare r => [r.Patient],
            DocumentReference r => [r.Subject],
            Consent r => [r.Patient],
            Provenance r => [.. r.Target],
            Flag r => [r.Subject],
            List r => [r.Subject],
            _ => [],
        };
        return Distinct(references.Select(r => r?.Reference));
    }

    /// <summary>The Patient id of a reference text "Patient/x", "Patient/x/_history/n" or ".../Patient/x"; null otherwise.</summary>
    public static string? PatientId(string? reference)
    {
        if (string.IsNullOrEmpty(reference))
        {
            return null;
        }

        if (ReferenceText.TryParseRelative(reference, out var type, out var id) || ReferenceText.TryParseServedTail(reference, out type, out id))
        {
            return type == "Patient" ? id : null;
        }

        return null;
    }

    private static List<string> Distinct(IEnumerable<string?> references) =>
        references.Select(PatientId).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
}
