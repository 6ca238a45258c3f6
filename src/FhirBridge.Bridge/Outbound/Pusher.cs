using System.Net;
using System.Text;
using System.Text.Json;
using FhirBridge.Bridge.ConnectedSystems;
using FhirBridge.Core.Fhir;
using Hl7.Fhir.Model;

namespace FhirBridge.Bridge.Outbound;

/// <summary>What one push achieved.</summary>
public enum PushStatus
{
    /// <summary>The system holds the version (created, updated, or already had it).</summary>
    Accepted,

    /// <summary>The system holds a newer version (409 under its versioning rule): this one must not overwrite it.</summary>
    Superseded,

    /// <summary>A fault a later attempt may get past (5xx, timeout, refused, open circuit, wrong content).</summary>
    Transient,

    /// <summary>A refusal retrying cannot change (other 4xx, missing credential).</summary>
    Rejected,
}

/// <summary>The result of a push with what happened, for the outbox row.</summary>
public sealed record PushResult(PushStatus Status, string? Problem = null);

/// <summary>
/// Sends a resource version to a connected system as a conditional update by FhirBridge's business identifier
/// (<c>PUT [base]/[type]?identifier=<see cref="SourceIdentifierSystem"/>|{SourceBaseUrl}/{type}/{id}</c>), with meta.versionId
/// as stored, through the named client and its resilience pipeline. The identifier is the same for every version and
/// every retry, so a retry updates what an earlier attempt created instead of duplicating it.
/// </summary>
public sealed class Pusher(IHttpClientFactory clients, BridgeCredentials credentials, DeliveryOptions options)
{
    /// <summary>The identifier system FhirBridge adds to every pushed resource (value: this server's URL of the resource).</summary>
    public const string SourceIdentifierSystem = "https://fhirbridge.fi/fhir/sid/resource";

    /// <summary>The identifier value of <paramref name="type"/>/<paramref name="id"/>.</summary>
    public string SourceIdentifierOf(string type, string id) => $"{options.SourceBaseUrl.TrimEnd('/')}/{type}/{id}";

    public async Task<PushResult> PushAsync(ConnectedSystem system, string type, string id, string json, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(system);
        var value = SourceIdentifierOf(type, id);
        var body = WithSourceIdentifier(json, value);
        var condition = $"{type}?identifier={Uri.EscapeDataString(SourceIdentifierSystem)}|{Uri.EscapeDataString(value)}";
        try
        {
            using var request = ConnectedSystemHttp.Request(
                HttpMethod.Put, system, condition, credentials, new StringContent(body, Encoding.UTF8, ConnectedSystemHttp.FhirJson));
            using var client = clients.CreateClient(ConnectedSystemHttp.ClientName);
            using var response = await client.SendAsync(request, cancellationToken);
            return await InterpretAsync(response, cancellationToken);
        }
        catch (ConnectedSystemException e)
        {
            return new PushResult(PushStatus.Rejected, e.Message);
        }
        catch (Exception e) when (e is HttpRequestException or Polly.CircuitBreaker.BrokenCircuitException or Polly.Timeout.TimeoutRejectedException
            || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return new PushResult(PushStatus.Transient, $"{e.GetType().Name}: {e.Message}");
        }
    }

    private static async Task<PushResult> InterpretAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return IsFhirJson(response, text)
                ? new PushResult(PushStatus.Accepted)
                : new PushResult(PushStatus.Transient, $"HTTP {status} with wrong content ({response.Content.Headers.ContentType?.MediaType ?? "no type"}); not taken as delivered.");
        }

        var problem = $"HTTP {status}: {Diagnostics(text)}";
        return response.StatusCode switch
        {
            HttpStatusCode.Conflict => new PushResult(PushStatus.Superseded, problem),
            HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests => new PushResult(PushStatus.Transient, problem),
            _ when status >= 500 => new PushResult(PushStatus.Transient, problem),
            _ => new PushResult(PushStatus.Rejected, problem),
        };
    }

    private static bool IsFhirJson(HttpResponseMessage response, string text)
    {
        if (response.Content.Headers.ContentType?.MediaType is not ("application/fhir+json" or "application/json"))
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.TryGetProperty("resourceType", out _);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string Diagnostics(string text)
    {
        try
        {
            return FhirSerializer.ParseJson(text) is OperationOutcome outcome && outcome.Issue.FirstOrDefault()?.Diagnostics is { } diagnostics
                ? diagnostics
                : Shorten(text);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return Shorten(text);
        }
    }

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "…";

    private static string WithSourceIdentifier(string json, string value)
    {
        var resource = FhirSerializer.ParseJson(json);
        if (resource is IIdentifiable<List<Identifier>> identifiable
            && !identifiable.Identifier.Any(i => i.System == SourceIdentifierSystem && i.Value == value))
        {
            identifiable.Identifier.Add(new Identifier(SourceIdentifierSystem, value));
        }

        return FhirSerializer.ToJson(resource);
    }
}
