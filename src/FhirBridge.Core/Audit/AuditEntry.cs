namespace FhirBridge.Core.Audit;

/// <summary>Which 703/2023 log an entry belongs to.</summary>
public enum AuditKind
{
    /// <summary>Käyttöloki: a use of client data (or an attempt), profile AccessLogEvent.</summary>
    Access,

    /// <summary>Luovutusloki: data given to another controller, profile DisclosureLogEvent.</summary>
    Disclosure,
}

/// <summary>
/// One log entry as stored: the AuditEvent's canonical JSON (what the hash chain covers) plus the columns compliance
/// queries filter on, all derived from that JSON by <see cref="AuditEntries.From"/> — so a verifier can re-derive and
/// compare them.
/// </summary>
/// <param name="Id">The AuditEvent id.</param>
/// <param name="Recorded">AuditEvent.recorded.</param>
/// <param name="Kind">Access or disclosure log.</param>
/// <param name="Action">AuditEvent.action: C, R, U, D or E.</param>
/// <param name="Outcome">AuditEvent.outcome: 0 success, 4 minor failure (e.g. denied), 8 serious, 12 major.</param>
/// <param name="PatientId">The client whose data it is (Patient id), or null for entries about no client.</param>
/// <param name="User">The acting person "system|value", or null (system integration).</param>
/// <param name="Organization">The acting (access) or receiving (disclosure) organisation, bare OID.</param>
/// <param name="LegalBasis">The legal-basis code (https://fhirbridge.fi/fhir/CodeSystem/legal-basis), null when none was found (denied).</param>
/// <param name="BreakGlass">True for exceptional access, which is always flagged for review.</param>
/// <param name="Json">The AuditEvent as compact JSON, exactly as hashed and served.</param>
public sealed record AuditEntry(
    string Id,
    DateTimeOffset Recorded,
    AuditKind Kind,
    string Action,
    string Outcome,
    string? PatientId,
    string? User,
    string? Organization,
    string? LegalBasis,
    bool BreakGlass,
    string Json);
