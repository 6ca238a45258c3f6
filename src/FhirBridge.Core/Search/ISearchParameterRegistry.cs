namespace FhirBridge.Core.Search;

/// <summary>The search parameters the server supports per served type: the R4 standard ones plus the common Resource ones.</summary>
public interface ISearchParameterRegistry
{
    /// <summary>All parameters usable on <paramref name="resourceType"/> (its own and _id, _lastUpdated, _profile, _tag, ...).</summary>
    IReadOnlyList<SearchParameterInfo> For(string resourceType);

    /// <summary>The parameter named <paramref name="name"/> on <paramref name="resourceType"/>, or null.</summary>
    SearchParameterInfo? Find(string resourceType, string name);
}
