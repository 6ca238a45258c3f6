using FhirBridge.Core.Audit;
using FhirBridge.Core.Security;
using Hl7.Fhir.Model;

namespace FhirBridge.Server.Audit;

/// <summary>
/// What a FHIR route does, for the access log and the scope check: the RESTful interaction it logs, its AuditEvent
/// action, and the SMART scope letters it needs on its type (None: the route checks its own, e.g. per Bundle entry).
/// </summary>
internal sealed record RouteAccess(string Interaction, AuditEvent.AuditEventAction Action, ScopeAction Scope)
{
    public static readonly RouteAccess Read = new("read", AuditEvent.AuditEventAction.R, ScopeAction.Read);
    public static readonly RouteAccess Vread = new("vread", AuditEvent.AuditEventAction.R, ScopeAction.Read);
    public static readonly RouteAccess Search = new("search-type", AuditEvent.AuditEventAction.R, ScopeAction.Search);
    public static readonly RouteAccess Create = new("create", AuditEvent.AuditEventAction.C, ScopeAction.Create);
    public static readonly RouteAccess Update = new("update", AuditEvent.AuditEventAction.U, ScopeAction.Update);
    public static readonly RouteAccess Delete = new("delete", AuditEvent.AuditEventAction.D, ScopeAction.Delete);
    public static readonly RouteAccess InstanceHistory = new("history-instance", AuditEvent.AuditEventAction.R, ScopeAction.Read);
    public static readonly RouteAccess TypeHistory = new("history-type", AuditEvent.AuditEventAction.R, ScopeAction.Read);
    public static readonly RouteAccess SystemHistory = new("history-system", AuditEvent.AuditEventAction.R, ScopeAction.None);
    public static readonly RouteAccess Bundle = new("transaction", AuditEvent.AuditEventAction.E, ScopeAction.None);
    public static readonly RouteAccess Operation = new("operation", AuditEvent.AuditEventAction.E, ScopeAction.Read);

    /// <summary>The interaction as this request made it: type and id from the route, the query for searches and operations.</summary>
    public Interaction Describe(HttpContext http, string? type)
    {
        var id = http.Request.RouteValues["id"] as string;
        var target = type is null ? null : id is null ? type : $"{type}/{id}";
        var query = http.Request.QueryString.Value is { Length: > 1 } text ? text[1..] : null;
        return new Interaction(Interaction, Action, target, query);
    }
}
