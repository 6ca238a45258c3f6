using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;

namespace FhirBridge.Fakes;

/// <summary>The FHIR REST API of a fake: metadata, read, search, create, update and conditional update.</summary>
internal static class FhirRoutes
{
    private static readonly string[] ServedTypes = ["CarePlan", "CareTeam", "EpisodeOfCare", "Consent", "Task", "DocumentReference"];

    public static void Map(WebApplication app, FakeFhirSystem fake)
    {
        var fhir = app.MapGroup("/fhir");
        fhir.MapGet("/metadata", () => FhirJson.Result(Capabilities(fake)));
        fhir.MapGet("/{type}/{id}", (string type, string id) =>
            !IsResourceType(type) ? UnknownType(type)
            : fake.Store.Get(type, id) is { } found ? FhirJson.Result(found)
            : FhirJson.Outcome(StatusCodes.Status404NotFound, $"{type}/{id} is not known.", OperationOutcome.IssueType.NotFound));
        fhir.MapGet("/{type}", (string type, HttpRequest request) => Search(fake, type, request));
        fhir.MapPost("/{type}", (string type, HttpRequest request) =>
            WriteAsync(fake, type, request, (resource, ifMatch) => fake.Store.Write("POST", resource, null, ifMatch)));
        fhir.MapPut("/{type}/{id}", (string type, string id, HttpRequest request) =>
            WriteAsync(fake, type, request, (resource, ifMatch) =>
                resource.Id is { } bodyId && bodyId != id
                    ? new WriteResult(WriteOutcome.Rejected, StatusCodes.Status400BadRequest, resource, $"The body's id {bodyId} is not the URL's id {id}.")
                    : fake.Store.Write("PUT", resource, id, ifMatch)));
        fhir.MapPut("/{type}", (string type, HttpRequest request) =>
            WriteAsync(fake, type, request, (resource, ifMatch) =>
            {
                var (match, problem) = request.Query.Count == 0 ? (null, "A conditional update needs a search, e.g. ?identifier=system|value.") : FakeSearch.Parse(type, request.Query);
                return match is null
                    ? new WriteResult(WriteOutcome.Rejected, StatusCodes.Status400BadRequest, resource, problem)
                    : fake.Store.WriteConditional("PUT", resource, match, ifMatch);
            }));
    }

    private static IResult Search(FakeFhirSystem fake, string type, HttpRequest request)
    {
        if (!IsResourceType(type))
        {
            return UnknownType(type);
        }

        var (match, problem) = FakeSearch.Parse(type, request.Query);
        if (match is null)
        {
            return FhirJson.Outcome(StatusCodes.Status400BadRequest, problem!, OperationOutcome.IssueType.NotSupported);
        }

        var found = fake.Store.Find(type, match).OrderBy(r => r.Id, StringComparer.Ordinal).ToList();
        var (offset, count) = (Number(request, "_offset") ?? 0, Number(request, "_count") ?? found.Count);
        var page = found.Skip(offset).Take(Math.Max(count, 0)).ToList();
        var links = new List<Bundle.LinkComponent> { new() { Relation = "self", Url = $"{fake.BaseUrl}/{type}{request.QueryString}" } };
        if (offset + page.Count < found.Count)
        {
            // Paging (https://hl7.org/fhir/R4/http.html#paging): the client follows the next link as given.
            var query = request.Query.Where(q => q.Key != "_offset").SelectMany(q => q.Value.Select(v => $"{q.Key}={Uri.EscapeDataString(v ?? "")}"));
            links.Add(new Bundle.LinkComponent { Relation = "next", Url = $"{fake.BaseUrl}/{type}?{string.Join('&', query)}&_offset={offset + page.Count}" });
        }

        return FhirJson.Result(new Bundle
        {
            Type = Bundle.BundleType.Searchset,
            Total = found.Count,
            Link = links,
            Entry = [.. page.Select(r => new Bundle.EntryComponent
            {
                FullUrl = $"{fake.BaseUrl}/{type}/{r.Id}",
                Resource = r,
                Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Match },
            })],
        });
    }

    private static async Task<IResult> WriteAsync(FakeFhirSystem fake, string type, HttpRequest request, Func<Resource, string?, WriteResult> write)
    {
        if (!IsResourceType(type))
        {
            return UnknownType(type);
        }

        var (resource, problem) = await FhirJson.ReadAsync(request);
        if (resource is null || resource.TypeName != type)
        {
            return FhirJson.Outcome(StatusCodes.Status400BadRequest, problem ?? $"The body is a {resource?.TypeName}, not a {type}.", OperationOutcome.IssueType.Invalid);
        }

        var result = write(resource, IfMatchVersion(request));
        if (result.Problem is not null)
        {
            return FhirJson.Outcome(result.Status, result.Problem, result.Status == StatusCodes.Status409Conflict ? OperationOutcome.IssueType.Conflict : OperationOutcome.IssueType.Processing);
        }

        var stored = result.Stored;
        return FhirJson.Result(stored, result.Status, $"{fake.BaseUrl}/{type}/{stored.Id}/_history/{stored.Meta?.VersionId}");
    }

    // If-Match: W/"3" (https://hl7.org/fhir/R4/http.html#concurrency); a bare 3 or "3" is accepted too.
    private static string? IfMatchVersion(HttpRequest request) =>
        request.Headers.IfMatch.ToString() is { Length: > 0 } value ? value.Replace("W/", "", StringComparison.Ordinal).Trim('"', ' ') : null;

    private static int? Number(HttpRequest request, string name) =>
        int.TryParse(request.Query[name].ToString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : null;

    private static bool IsResourceType(string type) => ModelInfo.IsKnownResource(type);

    private static IResult UnknownType(string type) =>
        FhirJson.Outcome(StatusCodes.Status404NotFound, $"{type} is not a FHIR resource type.", OperationOutcome.IssueType.NotSupported);

    private static CapabilityStatement Capabilities(FakeFhirSystem fake) => new()
    {
        Status = PublicationStatus.Active,
        Date = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        Kind = CapabilityStatementKind.Instance,
        Software = new CapabilityStatement.SoftwareComponent { Name = $"FhirBridge fake {fake.Kind} system" },
        Implementation = new CapabilityStatement.ImplementationComponent { Description = $"Fake {fake.Kind} system for tests", Url = fake.BaseUrl.ToString() },
        FhirVersion = FHIRVersion.N4_0_1,
        Format = ["json"],
        Rest =
        [
            new CapabilityStatement.RestComponent
            {
                Mode = CapabilityStatement.RestfulCapabilityMode.Server,
                Resource = [.. ServedTypes.Select(t => new CapabilityStatement.ResourceComponent
                {
                    Type = t,
                    Versioning = CapabilityStatement.ResourceVersionPolicy.Versioned,
                    ConditionalUpdate = true,
                    Interaction =
                    [
                        new CapabilityStatement.ResourceInteractionComponent { Code = CapabilityStatement.TypeRestfulInteraction.Read },
                        new CapabilityStatement.ResourceInteractionComponent { Code = CapabilityStatement.TypeRestfulInteraction.SearchType },
                        new CapabilityStatement.ResourceInteractionComponent { Code = CapabilityStatement.TypeRestfulInteraction.Create },
                        new CapabilityStatement.ResourceInteractionComponent { Code = CapabilityStatement.TypeRestfulInteraction.Update },
                    ],
                })],
            },
        ],
    };
}
