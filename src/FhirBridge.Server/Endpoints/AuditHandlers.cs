using FhirBridge.Core.Audit;
using FhirBridge.Core.Errors;
using FhirBridge.Core.Fhir;
using FhirBridge.Core.Security;
using FhirBridge.Server.Audit;
using FhirBridge.Server.Http;
using Hl7.Fhir.Model;

namespace FhirBridge.Server.Endpoints;

/// <summary>
/// The log routes: compliance search and read of AuditEvents, the client's §11 access report, the review reports, chain
/// verification and the retention purge. Who may call which is checked here; the access-log filter logs every call.
/// </summary>
internal static class AuditHandlers
{
    public static async Task<IResult> SearchAsync(HttpContext http, AuditLogService logs, RequestAudit audit, CancellationToken ct)
    {
        var parameters = QueryParameters.Of(http.Request);
        ReportPatientOf(audit, parameters);
        return FhirResults.Ok(await logs.SearchAsync(parameters, http.FhirBase(), ct));
    }

    public static async Task<IResult> ReadAsync(string id, AuditLogService logs, CancellationToken ct) =>
        FhirResults.Ok(await logs.ReadAsync(id, ct));

    public static async Task<IResult> ReviewAsync(HttpContext http, AuditLogService logs, RequestAudit audit, CancellationToken ct)
    {
        var parameters = QueryParameters.Of(http.Request);
        ReportPatientOf(audit, parameters);
        return FhirResults.Ok(await logs.ReviewAsync(parameters, http.FhirBase(), ct));
    }

    public static async Task<IResult> VerifyChainAsync(HttpContext http, AuditLogService logs, CancellationToken ct)
    {
        RequireRole(http, "Verifying the log chain", CallerRole.ComplianceOfficer, CallerRole.Administrator);
        return FhirResults.Ok(await logs.VerifyAsync(ct));
    }

    public static async Task<IResult> PurgeAsync(HttpContext http, AuditLogService logs, RequestAudit audit, CancellationToken ct)
    {
        RequireRole(http, "Purging the log", CallerRole.Administrator);
        return FhirResults.Ok(await logs.PurgeAsync(audit.Trail.Caller, ct));
    }

    /// <summary>GET Patient/[id]/$access-report: a Bundle, or CSV / HTML when _format or Accept asks for text/csv or text/html.</summary>
    public static async Task<IResult> AccessReportAsync(string id, HttpContext http, AuditLogService logs, RequestAudit audit, AccessPolicy policy, CancellationToken ct)
    {
        policy.CheckInteraction(audit.Trail.Caller, ServedTypes.AuditLog, ScopeAction.Search);
        ReportPatient(audit, id);
        var report = await logs.ReportAsync(id, QueryParameters.Of(http.Request), ct);
        return ReportFormats.Of(http.Request) switch
        {
            ReportFormats.Csv => Results.Text(report.ToCsv(), "text/csv; charset=utf-8"),
            ReportFormats.Html => Results.Text(report.ToHtml(), "text/html; charset=utf-8"),
            _ => FhirResults.Ok(report.ToBundle(http.FhirBase())),
        };
    }

    public static IResult ReadOnly() =>
        throw new MethodNotAllowedException("The access and disclosure logs are append-only: entries cannot be created, changed or deleted through the API.");

    private static void ReportPatientOf(RequestAudit audit, IReadOnlyList<KeyValuePair<string, string>> parameters) =>
        ReportPatient(audit, parameters.Where(p => p.Key == "patient").Select(p => p.Value).LastOrDefault());

    // Reading a client's log entries is itself a use of that client's data: the entry names the client.
    private static void ReportPatient(RequestAudit audit, string? patient)
    {
        if (patient is not null)
        {
            var id = AuditSearch.ReferenceId(patient, "Patient", "patient");
            audit.Report(new LoggedData("Patient/" + id, id, new LegalBasis(LegalBasis.SupervisionCode), AuditEvent.AuditEventAction.R));
        }
    }

    private static void RequireRole(HttpContext http, string what, params CallerRole[] roles)
    {
        var role = http.RequestServices.GetRequiredService<RequestAudit>().Trail.Caller.Role;
        if (!roles.Contains(role))
        {
            throw new ForbiddenException($"{what} is for {string.Join(" and ", roles.Select(r => r.ToText()))}s, not {role.ToText()}s.");
        }
    }
}
