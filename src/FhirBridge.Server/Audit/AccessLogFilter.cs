using FhirBridge.Core.Security;
using FhirBridge.Server.Endpoints;

namespace FhirBridge.Server.Audit;

/// <summary>Checks a FHIR route's scope and role, and logs the request through <see cref="AccessLogging"/> (703/2023).</summary>
internal sealed class AccessLogFilter(AccessLogging logging, AccessPolicy policy) : IEndpointFilter
{
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
        return await logging.RunAsync(audit, access.Describe(http, type), async () =>
        {
            if (type is not null && access.Scope != ScopeAction.None)
            {
                policy.CheckInteraction(caller, type, access.Scope);
            }

            return await next(context);
        });
    }
}
