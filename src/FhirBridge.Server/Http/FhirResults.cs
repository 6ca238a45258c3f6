using System.Net;
using FhirBridge.Core.Errors;
using FhirBridge.Core.Operations;
using FhirBridge.Core.Storage;
using Hl7.Fhir.Model;
using Microsoft.Net.Http.Headers;

namespace FhirBridge.Server.Http;

/// <summary>Builds the responses of the interactions with the headers https://hl7.org/fhir/R4/http.html asks for.</summary>
internal static class FhirResults
{
    private static readonly IReadOnlyDictionary<string, string> NoHeaders = new Dictionary<string, string>();

    public static IResult Ok(Resource body) => new FhirResult(StatusCodes.Status200OK, body, NoHeaders);

    /// <summary>read / vread: the resource with ETag and Last-Modified, or 304 when the client's copy is current.</summary>
    public static IResult Read(HttpRequest request, ResourceResult result)
    {
        var headers = VersionHeaders(result.Stored);
        return ConditionalHeaders.IsNotModified(request, result.Stored)
            ? new FhirResult(StatusCodes.Status304NotModified, null, headers)
            : new FhirResult(StatusCodes.Status200OK, result.Resource, headers);
    }

    /// <summary>create / update: 201 with Location when a resource came into being, else 200; body per Prefer: return.</summary>
    public static IResult Write(HttpContext http, ResourceResult result)
    {
        var stored = result.Stored;
        var headers = VersionHeaders(stored);
        var location = ResourceHttp.Location(http.FhirBase(), stored.Type, stored.Id, stored.Version);
        headers[result.Created ? HeaderNames.Location : HeaderNames.ContentLocation] = location;
        var status = result.Created ? StatusCodes.Status201Created : StatusCodes.Status200OK;
        Resource? body = PreferHeader.Of(http.Request).Return switch
        {
            ReturnPreference.Minimal => null,
            ReturnPreference.OperationOutcome => Information(
                $"{(result.Created ? "Created" : "Stored")} {ResourceHttp.VersionPath(stored.Type, stored.Id, stored.Version)}."),
            _ => result.Resource,
        };
        return new FhirResult(status, body, headers);
    }

    /// <summary>delete: 204, with the delete marker's ETag when something was deleted.</summary>
    public static IResult Deleted(ResourceResult? result) =>
        new FhirResult(StatusCodes.Status204NoContent, null, result is null ? NoHeaders : new Dictionary<string, string> { [HeaderNames.ETag] = ResourceHttp.ETag(result.Stored.Version) });

    /// <summary>The OperationOutcome of a failed request.</summary>
    public static IResult Error(HttpStatusCode status, OperationOutcome outcome) => new FhirResult((int)status, outcome, NoHeaders);

    private static OperationOutcome Information(string message) => new()
    {
        Issue = [FhirException.Issue(OperationOutcome.IssueSeverity.Information, OperationOutcome.IssueType.Informational, message)],
    };

    private static Dictionary<string, string> VersionHeaders(StoredResource stored) => new()
    {
        [HeaderNames.ETag] = ResourceHttp.ETag(stored.Version),
        [HeaderNames.LastModified] = ConditionalHeaders.LastModified(stored.LastUpdated),
    };
}
