using System.Net;
using FhirBridge.Core.Search;
using FhirBridge.Core.Storage;
using Hl7.Fhir.Model;

namespace FhirBridge.Core.Operations;

/// <summary>Builds searchset and history Bundles: entries with fullUrl, and self/next/previous links.</summary>
internal static class BundleBuilder
{
    private const string PageParameter = "_page";

    public static Bundle Searchset(Uri baseUrl, string type, ParsedSearch parsed, SearchPage page)
    {
        var bundle = New(Bundle.BundleType.Searchset, page.Total);
        if (parsed.Warnings.Count > 0)
        {
            bundle.Entry.Add(new Bundle.EntryComponent
            {
                Resource = new OperationOutcome { Issue = parsed.Warnings.Select(i => (OperationOutcome.IssueComponent)i.DeepCopy()).ToList() },
                Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Outcome },
            });
        }

        // https://hl7.org/fhir/R4/search.html#summary: _summary=count returns the total only.
        if (parsed.Summary != "count")
        {
            AddMatches(bundle, baseUrl, page.Matches, Bundle.SearchEntryMode.Match, parsed);
            AddMatches(bundle, baseUrl, page.Included, Bundle.SearchEntryMode.Include, parsed);
        }

        AddLinks(bundle, $"{ResourceHttp.Base(baseUrl)}/{type}", parsed.Applied, page.NextPageToken, page.PreviousPageToken);
        return bundle;
    }

    public static Bundle History(Uri baseUrl, string path, IReadOnlyList<KeyValuePair<string, string>> applied, HistoryPage page)
    {
        var bundle = New(Bundle.BundleType.History, page.Total);
        foreach (var stored in page.Entries)
        {
            var entry = Entry(baseUrl, stored, stored.Deleted ? null : ResourceOperations.Parse(stored));
            entry.Request = new Bundle.RequestComponent
            {
                Method = stored.Method switch
                {
                    HistoryMethod.Post => Bundle.HTTPVerb.POST,
                    HistoryMethod.Put => Bundle.HTTPVerb.PUT,
                    _ => Bundle.HTTPVerb.DELETE,
                },
                Url = stored.Method == HistoryMethod.Post ? stored.Type : $"{stored.Type}/{stored.Id}",
            };
            entry.Response = Response(stored, HistoryStatus(stored));
            bundle.Entry.Add(entry);
        }

        AddLinks(bundle, $"{ResourceHttp.Base(baseUrl)}/{path}", applied, page.NextPageToken, page.PreviousPageToken);
        return bundle;
    }

    public static Bundle.EntryComponent Entry(Uri baseUrl, StoredResource stored, Resource? resource) =>
        new() { FullUrl = ResourceHttp.FullUrl(baseUrl, stored.Type, stored.Id), Resource = resource };

    /// <summary>entry.response of a version: status, etag, lastModified.</summary>
    public static Bundle.ResponseComponent Response(StoredResource stored, HttpStatusCode status) =>
        new() { Status = ResourceHttp.StatusLine(status), Etag = ResourceHttp.ETag(stored.Version), LastModified = stored.LastUpdated };

    private static Bundle New(Bundle.BundleType type, int? total) =>
        new() { Id = ResourceRules.NewId(), Type = type, Total = total };

    private static HttpStatusCode HistoryStatus(StoredResource stored) => stored switch
    {
        { Method: HistoryMethod.Delete } => HttpStatusCode.NoContent,
        { Method: HistoryMethod.Post } or { Version: 1 } => HttpStatusCode.Created,
        _ => HttpStatusCode.OK,
    };

    private static void AddMatches(
        Bundle bundle, Uri baseUrl, IReadOnlyList<StoredResource> resources, Bundle.SearchEntryMode mode, ParsedSearch parsed)
    {
        foreach (var stored in resources)
        {
            var resource = ResourceSubsetting.Apply(ResourceOperations.Parse(stored), parsed.Summary, parsed.Elements);
            var entry = Entry(baseUrl, stored, resource);
            entry.Search = new Bundle.SearchComponent { Mode = mode };
            bundle.Entry.Add(entry);
        }
    }

    private static void AddLinks(
        Bundle bundle, string url, IReadOnlyList<KeyValuePair<string, string>> applied, string? next, string? previous)
    {
        bundle.Link.Add(new Bundle.LinkComponent { Relation = "self", Url = Url(url, applied) });
        if (next is not null)
        {
            bundle.Link.Add(new Bundle.LinkComponent { Relation = "next", Url = Url(url, WithPage(applied, next)) });
        }

        if (previous is not null)
        {
            bundle.Link.Add(new Bundle.LinkComponent { Relation = "previous", Url = Url(url, WithPage(applied, previous)) });
        }
    }

    private static IReadOnlyList<KeyValuePair<string, string>> WithPage(IReadOnlyList<KeyValuePair<string, string>> applied, string token) =>
        [.. applied.Where(p => p.Key != PageParameter), new(PageParameter, token)];

    private static string Url(string url, IReadOnlyList<KeyValuePair<string, string>> parameters) =>
        parameters.Count == 0 ? url : $"{url}?{UrlQuery.Format(parameters)}";
}
