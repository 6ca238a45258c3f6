namespace FhirBridge.Core.Security;

/// <summary>
/// Why an access was lawful (or that it was not): what the access log records as the purpose/legal basis.
/// Codes are those of https://fhirbridge.fi/fhir/CodeSystem/legal-basis.
/// </summary>
/// <param name="Code">care-relationship, client-relationship, consent, statutory-task, break-glass or supervision.</param>
/// <param name="Source">The resource that gives the basis (CareTeam/…, EpisodeOfCare/…, Consent/…), when there is one.</param>
/// <param name="Reason">The stated reason of a break-glass access.</param>
public sealed record LegalBasis(string Code, string? Source = null, string? Reason = null)
{
    public const string System = "https://fhirbridge.fi/fhir/CodeSystem/legal-basis";

    public const string CareRelationshipCode = "care-relationship";
    public const string ClientRelationshipCode = "client-relationship";
    public const string ConsentCode = "consent";
    public const string StatutoryTaskCode = "statutory-task";
    public const string BreakGlassCode = "break-glass";
    public const string SupervisionCode = "supervision";

    /// <summary>Recorded on a denied attempt: no lawful basis was found.</summary>
    public const string NoneCode = "none";

    public bool IsBreakGlass => Code == BreakGlassCode;
}
