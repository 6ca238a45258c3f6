using FhirBridge.Core.Errors;
using FhirBridge.Core.Terminology;
using FhirBridge.Core.Validation;
using FhirBridge.Server.Conformance;
using FhirBridge.Server.Http;
using Hl7.Fhir.Model;

namespace FhirBridge.Server.Endpoints;

/// <summary>The handlers of the read-only conformance resources (<see cref="ConformanceCatalog"/>).</summary>
internal static class ConformanceHandlers
{
    public static IResult Read(string type, string id, ConformanceCatalog catalog) => FhirResults.Ok(catalog.Read(type, id));

    public static IResult Search(string type, HttpContext http, ConformanceCatalog catalog)
    {
        var matches = catalog.Search(type, QueryParameters.Of(http.Request));
        var baseUrl = http.FhirBase().AbsoluteUri.TrimEnd('/');
        return FhirResults.Ok(new Bundle
        {
            Id = Guid.NewGuid().ToString("N"),
            Type = Bundle.BundleType.Searchset,
            Total = matches.Count,
            Link = [new Bundle.LinkComponent { Relation = "self", Url = $"{baseUrl}/{type}{http.Request.QueryString}" }],
            Entry = matches.Select(r => new Bundle.EntryComponent
            {
                FullUrl = $"{baseUrl}/{type}/{r.Id}",
                Resource = r,
                Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Match },
            }).ToList(),
        });
    }

    public static IResult Expand(HttpContext http, TerminologyService terminology) =>
        FhirResults.Ok(terminology.Expand(Required(http, "url")));

    public static IResult ValidateCode(HttpContext http, TerminologyService terminology) =>
        FhirResults.Ok(terminology.ValidateCode(Required(http, "url"), Optional(http, "system"), Required(http, "code")));

    public static IResult Lookup(HttpContext http, TerminologyService terminology) =>
        FhirResults.Ok(terminology.Lookup(Required(http, "system"), Required(http, "code")));

    public static IResult Translate(HttpContext http, ConceptTranslator translator) => TranslateWith(http, translator, null);

    public static IResult TranslateInstance(string id, HttpContext http, ConceptTranslator translator) => TranslateWith(http, translator, id);

    public static Task<IResult> TranslatePostAsync(HttpContext http, ConceptTranslator translator, FhirRequestReader reader, CancellationToken ct) =>
        TranslatePostWithAsync(http, translator, reader, null, ct);

    public static Task<IResult> TranslateInstancePostAsync(string id, HttpContext http, ConceptTranslator translator, FhirRequestReader reader, CancellationToken ct) =>
        TranslatePostWithAsync(http, translator, reader, id, ct);

    private static IResult TranslateWith(HttpContext http, ConceptTranslator translator, string? id) =>
        FhirResults.Ok(translator.Translate(TranslateRequest.FromQuery(QueryParameters.Of(http.Request), id)).ToParameters());

    private static async Task<IResult> TranslatePostWithAsync(HttpContext http, ConceptTranslator translator, FhirRequestReader reader, string? id, CancellationToken ct)
    {
        var body = await reader.ReadResourceAsync(http.Request, ct);
        var parameters = body as Parameters ?? throw new BadRequestException($"$translate takes a Parameters resource, not a {body.TypeName}.");
        return FhirResults.Ok(translator.Translate(TranslateRequest.FromParameters(parameters, id)).ToParameters());
    }

    public static IResult ReadOnly(string type) =>
        throw new MethodNotAllowedException($"{type} resources are read-only here: they come from the loaded conformance packages.");

    private static string? Optional(HttpContext http, string name) =>
        QueryParameters.Of(http.Request).Where(p => p.Key == name).Select(p => p.Value).FirstOrDefault(v => v.Length > 0);

    private static string Required(HttpContext http, string name) =>
        Optional(http, name) ?? throw new BadRequestException($"The operation needs the '{name}' parameter.", name);
}
