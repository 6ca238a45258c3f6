using FhirBridge.Core.Operations;

namespace FhirBridge.Server.Http;

/// <summary>A request's URL parameters in their original order, repeated names kept (repeats mean AND in FHIR search).</summary>
internal static class QueryParameters
{
    public static IReadOnlyList<KeyValuePair<string, string>> Of(HttpRequest request) => UrlQuery.Parse(request.QueryString.Value ?? "");
}
