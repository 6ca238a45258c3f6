using FhirBridge.Core.Operations;
using Hl7.Fhir.Model;

namespace FhirBridge.Bridge.StatutoryPlans;

/// <summary>Runs a search through an <see cref="IResourceService"/> (so, as its caller) and follows its next links.</summary>
public static class SearchPages
{
    /// <summary>Every match of <paramref name="type"/>?<paramref name="parameters"/> visible to the service's caller.</summary>
    public static async Task<List<T>> AllAsync<T>(
        IResourceService service, IReadOnlyList<KeyValuePair<string, string>> parameters, RequestContext context, CancellationToken cancellationToken)
        where T : Resource
    {
        ArgumentNullException.ThrowIfNull(service);
        var found = new List<T>();
        IReadOnlyList<KeyValuePair<string, string>>? page = parameters;
        while (page is not null)
        {
            var bundle = (await service.SearchAsync(ModelInfo.GetFhirTypeNameForType(typeof(T))!, page, context, cancellationToken)).Bundle;
            found.AddRange(bundle.Entry.Where(e => e.Search?.Mode is null or Bundle.SearchEntryMode.Match).Select(e => e.Resource).OfType<T>());
            page = bundle.Link.FirstOrDefault(l => l.Relation == "next")?.Url is { } next ? UrlQuery.Parse(new Uri(next).Query.TrimStart('?')) : null;
        }

        return found;
    }
}
