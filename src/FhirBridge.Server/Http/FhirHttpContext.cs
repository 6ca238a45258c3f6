using FhirBridge.Core.Operations;
using FhirBridge.Core.Security;
using FhirBridge.Server.Security;
using Microsoft.AspNetCore.Http.Extensions;

namespace FhirBridge.Server.Http;

/// <summary>Per-request FHIR facts derived from HTTP: the base URL the client sees, the negotiated format, Prefer.</summary>
internal static class FhirHttpContext
{
    public const string BasePath = "/fhir";

    public static Uri FhirBase(this HttpContext http) =>
        new(UriHelper.BuildAbsolute(http.Request.Scheme, http.Request.Host, http.Request.PathBase, BasePath));

    public static RequestContext ToRequestContext(this HttpContext http)
    {
        var prefer = PreferHeader.Of(http.Request);
        var caller = http.CallerOrNull();
        var policy = http.RequestServices.GetRequiredService<AccessPolicy>();
        return new(http.FhirBase(), prefer.StrictHandling, prefer.Return,
            caller is null ? null : (type, scope) => policy.CheckInteraction(caller, type, scope));
    }

    /// <summary>The format negotiated when the request entered the FHIR pipeline (JSON if it never got that far).</summary>
    public static ResponseFormat ResponseFormat(this HttpContext http) =>
        http.Features.Get<ResponseFormat>() ?? Http.ResponseFormat.NegotiateOrJson(http.Request);
}
