using System.Net.Http.Headers;

namespace FhirBridge.Bridge.ConnectedSystems;

/// <summary>
/// HTTP requests to connected systems. Every call goes through the named client <see cref="ClientName"/> of
/// IHttpClientFactory, so the resilience pipeline configured on it (timeouts, retries, circuit breaker) applies to pushes
/// and fetches alike.
/// </summary>
public static class ConnectedSystemHttp
{
    public const string ClientName = "FhirBridge.ConnectedSystems";
    public const string FhirJson = "application/fhir+json";

    /// <summary>The key of the request option that names the Endpoint a request goes to (e.g. to key a circuit breaker).</summary>
    public static readonly HttpRequestOptionsKey<string> EndpointOption = new("FhirBridge.EndpointId");

    /// <summary>
    /// A request to <paramref name="relativeUrl"/> under <paramref name="system"/>'s FHIR base (e.g. "CarePlan?identifier=…"),
    /// accepting FHIR JSON and carrying the system's bearer token when it has one.
    /// </summary>
    public static HttpRequestMessage Request(HttpMethod method, ConnectedSystem system, string relativeUrl, BridgeCredentials credentials, HttpContent? content = null)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(relativeUrl);
        ArgumentNullException.ThrowIfNull(credentials);
        var request = new HttpRequestMessage(method, new Uri($"{system.BaseUrl.AbsoluteUri}/{relativeUrl.TrimStart('/')}")) { Content = content };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(FhirJson));
        if (credentials.TokenFor(system) is { } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        request.Options.Set(EndpointOption, system.EndpointId);
        return request;
    }
}
