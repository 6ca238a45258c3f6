using System.Net.Http.Headers;

namespace FhirBridge.Bench;

/// <summary>Adds the bearer token to FHIR requests only: the noop baseline stays a bare HTTP round trip.</summary>
internal sealed class BearerTokenHandler(string token, HttpMessageHandler inner) : DelegatingHandler(inner)
{
    private readonly AuthenticationHeaderValue _header = new("Bearer", token);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri?.AbsolutePath.StartsWith("/fhir/", StringComparison.Ordinal) == true)
        {
            request.Headers.Authorization = _header;
        }

        return base.SendAsync(request, cancellationToken);
    }
}
