using System.Collections.Frozen;
using System.Globalization;
using System.Text.RegularExpressions;
using Hl7.Fhir.Model;

namespace FhirBridge.Core.Search;

/// <summary>
/// Collects the result parameters of one search (https://hl7.org/fhir/R4/search.html#return): _count, _sort, _total,
/// _summary, _elements, _page (once each) and _include/_revinclude (repeatable, with :iterate).
/// </summary>
internal sealed partial class ResultParameters(ISearchParameterRegistry registry, string resourceType, PageSizes pageSizes)
{
    private static readonly FrozenSet<string> Names = ["_count", "_sort", "_total", "_summary", "_elements", "_page", "_include", "_revinclude"];

    private static readonly FrozenSet<SearchParamType> Sortable =
    [
        SearchParamType.Date, SearchParamType.String, SearchParamType.Token, SearchParamType.Uri, SearchParamType.Number, SearchParamType.Quantity,
    ];

    private static readonly FrozenDictionary<string, TotalMode> Totals = new Dictionary<string, TotalMode>
    {
        ["none"] = TotalMode.None, ["estimate"] = TotalMode.Estimate, ["accurate"] = TotalMode.Accurate,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly FrozenSet<string> Summaries = ["true", "false", "text", "data", "count"];

    private readonly HashSet<string> _given = new(StringComparer.Ordinal);
    private readonly List<IncludeSpec> _includes = [];
    private readonly List<IncludeSpec> _revIncludes = [];
    private int? _count;
    private TotalMode? _total;
    private IReadOnlyList<SortKey> _sort = [];

    public string? Summary { get; private set; }

    public IReadOnlyList<string>? Elements { get; private set; }

    public string? PageToken { get; private set; }

    public static bool Handles(string key) => Names.Contains(NameOf(key));

    /// <summary>Applies one result parameter; returns the value to show in the self link.</summary>
    public string Accept(string key, string value)
    {
        var name = NameOf(key);
        var modifier = key.Length > name.Length ? key[(name.Length + 1)..] : null;
        if (name is "_include" or "_revinclude")
        {
            var spec = Include(value, modifier, name == "_revinclude");
            (name == "_include" ? _includes : _revIncludes).Add(spec);
            return value;
        }

        if (modifier is not null)
        {
            throw SearchParameterException.NotSupported($"'{name}' takes no modifier.");
        }

        if (!_given.Add(name))
        {
            throw SearchParameterException.Invalid($"'{name}' is given more than once.");
        }

        switch (name)
        {
            case "_count":
                _count = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var count)
                    ? Math.Min(count, pageSizes.Max)
                    : throw SearchParameterException.Invalid($"_count must be a whole number from 0 to {pageSizes.Max}, not '{value}'.");
                return _count.Value.ToString(CultureInfo.InvariantCulture);
            case "_total":
                _total = Totals.TryGetValue(value, out var total) ? total : throw SearchParameterException.Invalid($"_total takes none, estimate or accurate, not '{value}'.");
                return value;
            case "_summary":
                Summary = Summaries.Contains(value) ? value : throw SearchParameterException.Invalid($"_summary takes true, false, text, data or count, not '{value}'.");
                return value;
            case "_elements":
                Elements = ElementList(value);
                return value;
            case "_page":
                PageToken = value;
                return value;
            default:
                _sort = SortKeys(value);
                return value;
        }
    }

    /// <summary>The query; _summary=count and _count=0 ask only for the number of matches (https://hl7.org/fhir/R4/search.html#summary).</summary>
    public SearchQuery ToQuery(IReadOnlyList<SearchCriterion> criteria)
    {
        var countOnly = Summary == "count" || _count == 0;
        return new SearchQuery(
            resourceType,
            criteria,
            _sort,
            countOnly ? 0 : _count ?? pageSizes.Default,
            countOnly ? TotalMode.Accurate : _total ?? TotalMode.None,
            _includes,
            _revIncludes,
            PageToken);
    }

    private List<SortKey> SortKeys(string value) =>
    [
        .. value.Split(',').Select(key =>
        {
            var descending = key.StartsWith('-');
            var name = descending ? key[1..] : key;
            var parameter = registry.Find(resourceType, name)
                ?? throw SearchParameterException.Invalid($"Cannot sort by '{name}': it is not a search parameter of {resourceType}.");
            return Sortable.Contains(parameter.Type)
                ? new SortKey(parameter, descending)
                : throw SearchParameterException.NotSupported($"Cannot sort by the {parameter.Type.ToString().ToLowerInvariant()} parameter '{name}'.");
        }),
    ];

    private static List<string> ElementList(string value)
    {
        var elements = value.Split(',').Select(e => e.Trim()).ToList();
        return elements.All(e => ElementName().IsMatch(e))
            ? elements
            : throw SearchParameterException.Invalid($"_elements must be a comma-separated list of element names, not '{value}'.");
    }

    // _include=SourceType:param[:TargetType]; _revinclude names the referring type (https://hl7.org/fhir/R4/search.html#include).
    private IncludeSpec Include(string value, string? modifier, bool reverse)
    {
        var label = reverse ? "_revinclude" : "_include";
        var iterate = modifier switch
        {
            null => false,
            "iterate" or "recurse" => true,
            _ => throw SearchParameterException.NotSupported($"'{label}' supports only the :iterate modifier, not ':{modifier}'."),
        };
        var parts = value.Split(':');
        if (value == "*" || parts.Any(p => p == "*"))
        {
            throw SearchParameterException.NotSupported($"'{label}' with a wildcard is not supported; name the parameter.");
        }

        if (parts.Length is < 2 or > 3 || parts.Any(p => p.Length == 0))
        {
            throw SearchParameterException.Invalid($"'{label}' must be SourceType:parameter[:TargetType], not '{value}'.");
        }

        var (source, target) = (parts[0], parts.Length == 3 ? parts[2] : null);
        if (!reverse && !iterate && source != resourceType)
        {
            throw SearchParameterException.Invalid($"_include must start with the searched type {resourceType} (or use _include:iterate), not '{source}'.");
        }

        var parameter = registry.Find(source, parts[1])
            ?? throw SearchParameterException.Invalid($"'{parts[1]}' is not a search parameter of {source} on this server.");
        if (parameter.Type != SearchParamType.Reference)
        {
            throw SearchParameterException.Invalid($"'{source}:{parts[1]}' is not a reference parameter.");
        }

        var pointsAt = target ?? (reverse && !iterate ? resourceType : null);
        if (pointsAt is not null && parameter.Targets.Count > 0 && !parameter.Targets.Contains(pointsAt))
        {
            throw SearchParameterException.Invalid($"'{source}:{parts[1]}' cannot point at a {pointsAt}.");
        }

        return new IncludeSpec(source, parameter, target, iterate);
    }

    private static string NameOf(string key)
    {
        var colon = key.IndexOf(':');
        return colon < 0 ? key : key[..colon];
    }

    [GeneratedRegex(@"^([A-Z][A-Za-z]+\.)?[a-z][A-Za-z0-9]*$", RegexOptions.CultureInvariant)]
    private static partial Regex ElementName();
}
