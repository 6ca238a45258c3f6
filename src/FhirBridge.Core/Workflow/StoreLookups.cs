using FhirBridge.Core.Fhir;
using FhirBridge.Core.Search;
using FhirBridge.Core.Storage;
using Hl7.Fhir.Model;

namespace FhirBridge.Core.Workflow;

/// <summary>Typed reads and searches of the workflow inside one store session.</summary>
internal sealed class StoreLookups(ISearchQueryParser parser)
{
    private const int PageSize = 500;

    /// <summary>The current <typeparamref name="T"/> a relative reference names; null when it names none (or another type).</summary>
    public static async Task<T?> GetAsync<T>(IStoreSession session, string? reference, CancellationToken cancellationToken)
        where T : Resource
    {
        if (reference is null || !ReferenceText.TryParseRelative(reference, out var type, out var id) || type != ModelInfo.GetFhirTypeNameForType(typeof(T)))
        {
            return null;
        }

        var stored = await session.GetAsync(type, id, null, cancellationToken);
        return stored is { Deleted: false, Json: { } json } ? (T)FhirSerializer.ParseJson(json) : null;
    }

    /// <summary>Every current resource matching the search (all pages).</summary>
    public async Task<IReadOnlyList<T>> SearchAsync<T>(IStoreSession session, CancellationToken cancellationToken, params (string Name, string Value)[] parameters)
        where T : Resource
    {
        var type = ModelInfo.GetFhirTypeNameForType(typeof(T))!;
        var query = parser.Parse(type, parameters.Select(p => new KeyValuePair<string, string>(p.Name, p.Value)).ToList(), strict: true, baseUrl: null).Query
            with { Count = PageSize };
        var stored = await session.SearchAllAsync(query, cancellationToken);
        return stored.Select(m => (T)FhirSerializer.ParseJson(m.Json!)).ToList();
    }
}
