namespace FhirBridge.Core.Security;

/// <summary>
/// Who makes a request, as the bearer token and the request's headers say: the subject of every authorization
/// decision and of every access-log entry.
/// </summary>
/// <param name="Subject">The token's <c>sub</c>.</param>
/// <param name="User">The person's identifier as "system|value", e.g. a Terhikki number "urn:oid:1.2.246.537.26|10009901"; null for a system integration.</param>
/// <param name="Organization">The caller's organisation as a bare OID, e.g. "1.2.246.10.12345678" (no "urn:oid:").</param>
/// <param name="Role">What the caller does.</param>
/// <param name="Scopes">The SMART v2 scopes granted.</param>
/// <param name="ClientId">The client application (<c>client_id</c>/<c>azp</c>), when the token names it.</param>
/// <param name="Name">A display name for logs, when the token carries one.</param>
/// <param name="BreakGlassReason">The stated reason of an exceptional access (request header), or null.</param>
/// <param name="RequestId">This request's id, repeated in every log entry it produces.</param>
/// <param name="Address">The caller's network address: null unless the server is configured to record it (it is personal data).</param>
/// <param name="PurposeOfUse">The purpose the request states (request header, a code of http://terminology.hl7.org/CodeSystem/v3-ActReason
/// or "system|code"), or null for the server's default: consents that limit their purposes are checked against it.</param>
public sealed record Caller(
    string Subject,
    string? User,
    string Organization,
    CallerRole Role,
    ScopeSet Scopes,
    string? ClientId,
    string? Name,
    string? BreakGlassReason,
    string RequestId,
    string? Address,
    string? PurposeOfUse = null)
{
    /// <summary>The token claim names FhirBridge reads (besides <c>sub</c>, <c>scope</c>, <c>client_id</c>/<c>azp</c>, <c>name</c>).</summary>
    public static class Claims
    {
        public const string User = "fhirbridge_user";
        public const string Organization = "fhirbridge_org";
        public const string Role = "fhirbridge_role";
    }

    /// <summary>The request header that states the reason of an exceptional ("break the glass") access.</summary>
    public const string BreakGlassHeader = "X-Break-Glass-Reason";

    /// <summary>The request header that states the purpose of use (e.g. CAREMGT, TREAT, or system|code).</summary>
    public const string PurposeOfUseHeader = "X-Purpose-Of-Use";

    /// <summary>The code system of purposes of use.</summary>
    public const string PurposeOfUseSystem = "http://terminology.hl7.org/CodeSystem/v3-ActReason";
}

/// <summary>The roles of 703/2023 users that FhirBridge distinguishes; token values in <see cref="CallerRoles"/>.</summary>
public enum CallerRole
{
    /// <summary>A social- or health-care professional: client data only with a lawful basis.</summary>
    Professional,

    /// <summary>The responsible worker (vastuutyöntekijä) of joint clientships: a professional with the same rule.</summary>
    ResponsibleWorker,

    /// <summary>Reads the access and disclosure logs and their reports; no client data.</summary>
    ComplianceOfficer,

    /// <summary>Manages directory and conformance data and log retention; no client data.</summary>
    Administrator,

    /// <summary>An EHR or social-welfare system acting under its own scopes and organisation.</summary>
    SystemIntegration,
}

/// <summary>The token spelling of <see cref="CallerRole"/>s.</summary>
public static class CallerRoles
{
    private static readonly (string Text, CallerRole Role)[] Names =
    [
        ("professional", CallerRole.Professional),
        ("responsible-worker", CallerRole.ResponsibleWorker),
        ("compliance-officer", CallerRole.ComplianceOfficer),
        ("administrator", CallerRole.Administrator),
        ("system", CallerRole.SystemIntegration),
    ];

    public static IEnumerable<string> All => Names.Select(n => n.Text);

    public static bool TryParse(string? text, out CallerRole role)
    {
        foreach (var (name, value) in Names)
        {
            if (string.Equals(name, text, StringComparison.Ordinal))
            {
                role = value;
                return true;
            }
        }

        role = default;
        return false;
    }

    public static string ToText(this CallerRole role) => Names.First(n => n.Role == role).Text;

    /// <summary>Professionals whose access to client data needs a lawful basis.</summary>
    public static bool IsClinical(this CallerRole role) => role is CallerRole.Professional or CallerRole.ResponsibleWorker;
}
