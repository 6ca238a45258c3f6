using FhirBridge.Core.Errors;
using FhirBridge.Core.Search;
using FhirBridge.Core.Storage;
using Hl7.Fhir.Model;

namespace FhirBridge.Core.Operations;

/// <summary>search and history evaluated inside a caller's store session (alone, or as a transaction's GET entries).</summary>
internal sealed class QueryOperations(ISearchQueryParser parser, PageSizes pageSizes)
{
    public async Task<SearchResult> SearchAsync(
        IStoreSession session, string type, IReadOnlyList<KeyValuePair<string, string>> parameters, RequestContext context, CancellationToken cancellationToken)
    {
        ResourceRules.EnsureServed(type);
        var parsed = parser.Parse(type, parameters, context.StrictHandling, context.BaseUrl);
        var query = parsed.Summary == "count"
            ? parsed.Query with { Total = TotalMode.Accurate, Includes = [], RevIncludes = [] }
            : parsed.Query;
        var page = await session.SearchAsync(query, cancellationToken);
        return new SearchResult(BundleBuilder.Searchset(context.BaseUrl, type, parsed, page), parsed.Warnings);
    }

    public async Task<Bundle> HistoryAsync(
        IStoreSession session, string? type, string? id, IReadOnlyList<KeyValuePair<string, string>> parameters, RequestContext context, CancellationToken cancellationToken)
    {
        var path = "_history";
        if (type is not null)
        {
            ResourceRules.EnsureServed(type);
            path = $"{type}/{path}";
        }

        if (id is not null)
        {
            if (type is null)
            {
                throw new BadRequestException("Instance history needs a resource type.");
            }

            ResourceRules.EnsureId(id);
            if (await session.GetAsync(type, id, null, cancellationToken) is null)
            {
                throw new ResourceNotFoundException($"{type}/{id} is not known.");
            }

            path = $"{type}/{id}/_history";
        }

        var request = HistoryRequest.Parse(parameters, context.StrictHandling, pageSizes);
        var page = await session.HistoryAsync(new HistoryQuery(type, id, request.Since, request.Count, request.PageToken), cancellationToken);
        return BundleBuilder.History(context.BaseUrl, path, request.Applied, page);
    }
}
