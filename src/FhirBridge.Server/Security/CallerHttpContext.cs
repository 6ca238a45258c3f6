using FhirBridge.Core.Security;

namespace FhirBridge.Server.Security;

/// <summary>The authenticated caller of a request under /fhir.</summary>
internal static class CallerHttpContext
{
    /// <summary>The request's caller; throws for anonymous requests (GET /fhir/metadata, Swagger), which have none.</summary>
    public static Caller Caller(this HttpContext http) =>
        http.Features.Get<Caller>() ?? throw new InvalidOperationException($"{http.Request.Method} {http.Request.Path} has no authenticated caller.");

    /// <summary>The request's caller, or null for an anonymous request.</summary>
    public static Caller? CallerOrNull(this HttpContext http) => http.Features.Get<Caller>();
}
