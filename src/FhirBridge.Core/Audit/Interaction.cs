using Hl7.Fhir.Model;

namespace FhirBridge.Core.Audit;

/// <summary>
/// What a request did, as the access log names it: the RESTful interaction (http://hl7.org/fhir/restful-interaction,
/// the AccessLogEvent subtype), its AuditEvent action, and what it was about.
/// </summary>
/// <param name="Code">read, vread, search-type, history-instance, create, update, delete, transaction, operation, …</param>
/// <param name="Action">C, R, U, D or E (execute: operations).</param>
/// <param name="Target">The addressed resource ("Type/id") or type ("Type"), when there is one.</param>
/// <param name="Query">The request's query (searches, operations), recorded as the query entity.</param>
public sealed record Interaction(string Code, AuditEvent.AuditEventAction Action, string? Target = null, string? Query = null);

/// <summary>One resource a request read or wrote, with the client it belongs to and the basis the access had.</summary>
/// <param name="Reference">"Type/id/_history/version".</param>
/// <param name="PatientId">The client (Patient id) whose data it is, or null for directory data.</param>
/// <param name="Basis">The lawful basis used; null when denied.</param>
/// <param name="Action">What was done with it.</param>
public sealed record LoggedData(string Reference, string? PatientId, Security.LegalBasis? Basis, AuditEvent.AuditEventAction Action);

/// <summary>How a request ended, for AuditEvent.outcome and outcomeDesc.</summary>
public sealed record RequestOutcome(AuditEvent.AuditEventOutcome Code, string? Description = null)
{
    public static RequestOutcome Success { get; } = new(AuditEvent.AuditEventOutcome.N0);

    public bool Succeeded => Code == AuditEvent.AuditEventOutcome.N0;
}
