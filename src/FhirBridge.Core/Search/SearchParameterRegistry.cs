using System.Collections.Frozen;
using FhirBridge.Core.Fhir;
using FhirBridge.Core.Validation;
using Hl7.Fhir.Model;
using Hl7.Fhir.Utility;

namespace FhirBridge.Core.Search;

/// <summary>
/// The R4 search parameters of every served type (composite and special ones are not served), plus the common
/// Resource parameters _id, _lastUpdated, _profile, _tag, _security and _source, plus the SearchParameters of the
/// FhirBridge package (e.g. EpisodeOfCare team).
/// </summary>
public sealed class SearchParameterRegistry : ISearchParameterRegistry
{
    /// <summary>The parameters every resource type has (https://hl7.org/fhir/R4/resource.html#search).</summary>
    public static readonly IReadOnlyList<SearchParameterInfo> Common =
    [
        CommonParameter("_id", SearchParamType.Token, "Resource.id", "Resource-id"),
        CommonParameter("_lastUpdated", SearchParamType.Date, "Resource.meta.lastUpdated", "Resource-lastUpdated"),
        CommonParameter("_profile", SearchParamType.Uri, "Resource.meta.profile", "Resource-profile"),
        CommonParameter("_tag", SearchParamType.Token, "Resource.meta.tag", "Resource-tag"),
        CommonParameter("_security", SearchParamType.Token, "Resource.meta.security", "Resource-security"),
        CommonParameter("_source", SearchParamType.Uri, "Resource.meta.source", "Resource-source"),
    ];

    private static readonly FrozenSet<SearchParamType> ServedParamTypes =
    [
        SearchParamType.Token, SearchParamType.Reference, SearchParamType.Date, SearchParamType.String,
        SearchParamType.Uri, SearchParamType.Quantity, SearchParamType.Number,
    ];

    private readonly FrozenDictionary<string, IReadOnlyList<SearchParameterInfo>> _byType;
    private readonly FrozenDictionary<string, FrozenDictionary<string, SearchParameterInfo>> _byName;

    public SearchParameterRegistry()
    {
        var served = ServedTypes.All.ToFrozenSet(StringComparer.Ordinal);
        var standard = ModelInfo.SearchParameters
            .Where(p => p.Resource is not null && p.Name is not null)
            .Select(p => Corrected(new Definition(p.Resource!, p.Name!, p.Type, p.Expression, p.Target?.Select(t => t.GetLiteral()) ?? [], p.Url ?? string.Empty)));
        var package = FhirBridgePackage.Resources.OfType<SearchParameter>()
            .Where(p => p.Type is not null && p.Code is not null)
            .SelectMany(p => p.Base.OfType<Enum>().Select(b => new Definition(
                b.GetLiteral(), p.Code!, p.Type!.Value, p.Expression, p.Target.OfType<Enum>().Select(t => t.GetLiteral()), p.Url ?? string.Empty)));

        // The standard parameters come first, so a package parameter cannot redefine one (DistinctBy keeps the first).
        var own = standard.Concat(package)
            .Where(p => served.Contains(p.Resource) && ServedParamTypes.Contains(p.Type) && !string.IsNullOrWhiteSpace(p.Expression))
            .Select(p => new SearchParameterInfo(p.Resource, p.Name, p.Type, FhirPathBranches.ForType(p.Expression!, p.Resource), [.. p.Targets], p.Url))
            .ToLookup(p => p.ResourceType, StringComparer.Ordinal);

        _byType = ServedTypes.All.ToFrozenDictionary(
            t => t,
            t => (IReadOnlyList<SearchParameterInfo>)[.. Common, .. own[t].DistinctBy(p => p.Name).OrderBy(p => p.Name, StringComparer.Ordinal)],
            StringComparer.Ordinal);
        _byName = _byType.ToFrozenDictionary(
            e => e.Key,
            e => e.Value.ToFrozenDictionary(p => p.Name, StringComparer.Ordinal),
            StringComparer.Ordinal);
    }

    public IReadOnlyList<SearchParameterInfo> For(string resourceType) =>
        _byType.TryGetValue(resourceType, out var parameters) ? parameters : [];

    public SearchParameterInfo? Find(string resourceType, string name) =>
        _byName.TryGetValue(resourceType, out var parameters) && parameters.TryGetValue(name, out var parameter) ? parameter : null;

    private static SearchParameterInfo CommonParameter(string name, SearchParamType type, string expression, string id) =>
        new("Resource", name, type, expression, [], $"http://hl7.org/fhir/SearchParameter/{id}");

    // R4's EpisodeOfCare.careManager is Reference(Practitioner | PractitionerRole), but its care-manager parameter indexes only
    // Practitioner references (R5 takes both: https://hl7.org/fhir/R5/episodeofcare-search.html); FhirBridge's episodes name
    // the responsible worker's PractitionerRole, and access control finds episodes by it.
    private static Definition Corrected(Definition definition) => definition is { Resource: "EpisodeOfCare", Name: "care-manager" }
        ? definition with { Expression = "EpisodeOfCare.careManager", Targets = ["Practitioner", "PractitionerRole"] }
        : definition;

    private sealed record Definition(string Resource, string Name, SearchParamType Type, string? Expression, IEnumerable<string> Targets, string Url);
}
