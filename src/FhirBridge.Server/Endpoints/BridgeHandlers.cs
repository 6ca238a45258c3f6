using FhirBridge.Bridge.Outbound;
using FhirBridge.Server.Audit;
using FhirBridge.Server.Http;

namespace FhirBridge.Server.Endpoints;

/// <summary>The outbox admin routes (issue #5): deliveries with their reasons, and retrying dead letters. Administrators only.</summary>
internal static class BridgeHandlers
{
    public static async Task<IResult> DeliveriesAsync(HttpContext http, OutboxAdmin admin, RequestAudit audit, CancellationToken ct) =>
        FhirResults.Ok(await admin.ListAsync(audit.Trail.Caller, http.Request.RouteValues["id"] as string, QueryParameters.Of(http.Request), ct));

    public static async Task<IResult> RetryAsync(HttpContext http, OutboxAdmin admin, RequestAudit audit, CancellationToken ct) =>
        FhirResults.Ok(await admin.RetryAsync(audit.Trail.Caller, http.Request.RouteValues["id"] as string, QueryParameters.Of(http.Request), ct));
}
