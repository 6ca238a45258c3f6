using System.Net.Http.Headers;
using FhirBridge.Bridge.ConnectedSystems;
using FhirBridge.Core.Errors;
using FhirBridge.Core.Fhir;
using Hl7.Fhir.Model;

namespace FhirBridge.Bridge.StatutoryPlans;

/// <summary>
/// Fetches a client's plan documents from one connected system: <c>GET [base]/DocumentReference?subject:identifier=
/// urn:oid:1.2.246.21|{hetu}</c>, following the searchset's <c>next</c> links. Only GETs: the statutory documents are
/// never modified. Every request goes through <see cref="ConnectedSystemHttp"/>'s named client.
/// </summary>
public sealed class StatutoryPlanFetcher(IHttpClientFactory clients, BridgeCredentials credentials)
{
    public const string PersonalIdentityCodeSystem = "urn:oid:1.2.246.21";

    /// <summary>A system that pages on past this is answering in a loop: the fetch fails rather than run forever.</summary>
    public const int MaxPages = 100;

    /// <summary>The client's documents in <paramref name="system"/>.</summary>
    /// <param name="timeout">The limit of each request (a hanging system fails, it does not hold the sync).</param>
    /// <param name="pageSize">The _count asked for; the system's next links are followed.</param>
    /// <exception cref="StatutoryPlanFetchException">The system failed: error status, timeout, refused connection, wrong content.</exception>
    public async Task<IReadOnlyList<DocumentReference>> FetchAsync(
        ConnectedSystem system, string hetu, TimeSpan timeout, int pageSize, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(system);
        using var client = clients.CreateClient(ConnectedSystemHttp.ClientName);
        var documents = new List<DocumentReference>();
        string? relative = $"DocumentReference?subject:identifier={Uri.EscapeDataString($"{PersonalIdentityCodeSystem}|{hetu}")}&_count={pageSize}";
        for (var page = 0; relative is not null; page++)
        {
            if (page == MaxPages)
            {
                throw new StatutoryPlanFetchException($"the search returned more than {MaxPages} pages.");
            }

            var bundle = await GetBundleAsync(client, system, relative, timeout, cancellationToken);
            documents.AddRange(bundle.Entry.Select(e => e.Resource).OfType<DocumentReference>());
            relative = NextPage(system, bundle);
        }

        return documents;
    }

    private async Task<Bundle> GetBundleAsync(HttpClient client, ConnectedSystem system, string relative, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var request = CreateRequest(system, relative);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            using var response = await client.SendAsync(request, limit.Token);
            if (!response.IsSuccessStatusCode)
            {
                throw new StatutoryPlanFetchException($"GET {request.RequestUri} answered {(int)response.StatusCode} {response.ReasonPhrase}.");
            }

            var body = await response.Content.ReadAsStringAsync(limit.Token);
            return ParseBundle(request.RequestUri!, response.Content.Headers.ContentType, body);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new StatutoryPlanFetchException($"GET {request.RequestUri} did not answer within {timeout.TotalSeconds:0.#} s.");
        }
        catch (Exception e) when (e is not (StatutoryPlanFetchException or OperationCanceledException))
        {
            // The network (HttpRequestException) or the client's resilience pipeline (e.g. an open circuit breaker).
            throw new StatutoryPlanFetchException($"GET {request.RequestUri} failed: {e.Message}");
        }
    }

    private HttpRequestMessage CreateRequest(ConnectedSystem system, string relative)
    {
        try
        {
            return ConnectedSystemHttp.Request(HttpMethod.Get, system, relative, credentials);
        }
        catch (ConnectedSystemException e)
        {
            throw new StatutoryPlanFetchException(e.Message);
        }
    }

    private static Bundle ParseBundle(Uri url, MediaTypeHeaderValue? contentType, string body)
    {
        if (contentType?.MediaType is not ("application/fhir+json" or "application/json"))
        {
            throw new StatutoryPlanFetchException($"GET {url} answered {contentType?.MediaType ?? "no content type"}, not FHIR JSON.");
        }

        Resource resource;
        try
        {
            resource = FhirSerializer.ParseJson(body);
        }
        catch (FhirException e)
        {
            throw new StatutoryPlanFetchException($"GET {url} answered content that is not valid FHIR JSON: {e.Issues.FirstOrDefault()?.Diagnostics}");
        }

        return resource is Bundle { Type: Bundle.BundleType.Searchset } bundle ? bundle : throw new StatutoryPlanFetchException($"GET {url} answered a {resource.TypeName}, not a searchset Bundle.");
    }

    // The next link is followed only under the system's own base: the bearer token never goes to another host.
    private static string? NextPage(ConnectedSystem system, Bundle bundle)
    {
        if (bundle.Link.FirstOrDefault(l => l.Relation == "next")?.Url is not { Length: > 0 } next)
        {
            return null;
        }

        var prefix = system.BaseUrl.AbsoluteUri + "/";
        return next.StartsWith(prefix, StringComparison.Ordinal)
            ? next[prefix.Length..]
            : throw new StatutoryPlanFetchException($"the next page link {next} is not under the system's base {system.BaseUrl}.");
    }
}

/// <summary>A connected system could not deliver a client's plans (error status, timeout, refused connection, wrong content).</summary>
public sealed class StatutoryPlanFetchException(string message) : Exception(message);
