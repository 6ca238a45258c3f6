using FhirBridge.Core.Errors;
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

    public static IResult ReadOnly(string type) =>
        throw new MethodNotAllowedException($"{type} resources are read-only here: they come from the loaded conformance packages.");
}
