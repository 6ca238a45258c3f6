using System.Text.Json;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;
using Hl7.Fhir.Serialization;

namespace FhirBridge.Fakes;

/// <summary>FHIR JSON in and out of the fakes' HTTP handlers.</summary>
internal static class FhirJson
{
    public const string ContentType = "application/fhir+json";

    // Firely: converter options are expensive to build, so they are built once.
    private static readonly JsonSerializerOptions Options = new JsonSerializerOptions().ForFhir(ModelInfo.ModelInspector);

    public static string Serialize(Resource resource) => JsonSerializer.Serialize(resource, Options);

    /// <summary>Parses a request body; null with <paramref name="problem"/> when it is not a FHIR resource.</summary>
    public static async Task<(Resource? Resource, string? Problem)> ReadAsync(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
        try
        {
            return (JsonSerializer.Deserialize<Resource>(body, Options), null);
        }
        catch (Exception e) when (e is JsonException or DeserializationFailedException or InvalidOperationException or NotSupportedException)
        {
            return (null, $"The body is not a FHIR JSON resource: {e.Message}");
        }
    }

    public static IResult Result(Resource resource, int status = StatusCodes.Status200OK, string? location = null) =>
        new FhirResult(resource, status, location);

    public static IResult Outcome(int status, string message, OperationOutcome.IssueType code = OperationOutcome.IssueType.Processing) =>
        Result(
            new OperationOutcome
            {
                Issue = [new OperationOutcome.IssueComponent { Severity = OperationOutcome.IssueSeverity.Error, Code = code, Diagnostics = message }],
            },
            status);

    private sealed class FhirResult(Resource resource, int status, string? location) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = status;
            response.ContentType = FhirJson.ContentType;
            if (resource.Meta?.VersionId is { } version && resource is not OperationOutcome and not Bundle)
            {
                response.Headers.ETag = $"W/\"{version}\"";
            }

            if (location is not null)
            {
                response.Headers.Location = location;
            }

            return response.WriteAsync(Serialize(resource), httpContext.RequestAborted);
        }
    }
}
