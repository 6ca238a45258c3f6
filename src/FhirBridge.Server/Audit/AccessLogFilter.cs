using FhirBridge.Core.Audit;
using FhirBridge.Core.Errors;
using FhirBridge.Core.Security;
using FhirBridge.Server.Endpoints;
using FhirBridge.Server.Security;
using FhirBridge.Server.Configuration;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Options;

namespace FhirBridge.Server.Audit;

/// <summary>
/// Checks a FHIR route's scope and role, and logs the request (703/2023): writes log in their own transaction through
/// the trail's hook; reads, and every failed or refused attempt, are committed here before the response is written.
/// When the log cannot be written the request fails with 503 and returns no data (fail closed).
/// </summary>
internal sealed class AccessLogFilter(AuditEventFactory factory, IAuditLog log, AccessPolicy policy, IOptions<AccessLogOptions> options) : IEndpointFilter
{
    private readonly bool _enabled = options.Value.Enabled;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (http.GetEndpoint()?.Metadata.GetMetadata<FhirRoute>() is not { Access: { } access } route)
        {
            return await next(context);
        }

        var audit = http.RequestServices.GetRequiredService<RequestAudit>();
        var caller = audit.Trail.Caller;
        var type = route.Type ?? http.Request.RouteValues["type"] as string;
        var interaction = access.Describe(http, type);
        if (!_enabled)
        {
            CheckScope(caller, type, access);
            return await next(context);
        }

        audit.Trail.OnWriteCommit = attempt => factory.ForRequest(caller, interaction, audit.TakeWrite(attempt), RequestOutcome.Success);
        object? result;
        try
        {
            CheckScope(caller, type, access);
            result = await next(context);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var outcome = e is FhirException { Status: < System.Net.HttpStatusCode.InternalServerError } failure
                ? new RequestOutcome(AuditEvent.AuditEventOutcome.N4, failure.Issues.FirstOrDefault()?.Diagnostics)
                : new RequestOutcome(AuditEvent.AuditEventOutcome.N8, e.Message);
            await AppendAsync(factory.ForRequest(caller, interaction, audit.Denied(), outcome));
            throw;
        }

        var reads = audit.TakeReads();
        if (reads.Count > 0 || !audit.LoggedWrites)
        {
            await AppendAsync(factory.ForRequest(caller, interaction, reads, RequestOutcome.Success));
        }

        return result;
    }

    private void CheckScope(Caller caller, string? type, RouteAccess access)
    {
        if (type is not null && access.Scope != ScopeAction.None)
        {
            policy.CheckInteraction(caller, type, access.Scope);
        }
    }

    // Not cancelled with the request: an access that happened is logged even when the client went away.
    private System.Threading.Tasks.Task AppendAsync(IReadOnlyList<AuditEntry> entries) => log.AppendAsync(entries, CancellationToken.None);
}
