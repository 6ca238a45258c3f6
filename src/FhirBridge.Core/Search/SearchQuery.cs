using Hl7.Fhir.Model;

namespace FhirBridge.Core.Search;

/// <summary>
/// A parsed, validated search: what the store evaluates. Built by the query parser from URL parameters;
/// unknown or malformed parameters never reach it (they become warnings or a 400).
/// </summary>
/// <param name="ResourceType">The type searched.</param>
/// <param name="Criteria">Conditions that must all hold (AND).</param>
/// <param name="Sort">Sort keys in priority order; empty = stable default order (creation order).</param>
/// <param name="Count">Page size (already clamped to the server maximum).</param>
/// <param name="Total">Whether the store must count all matches.</param>
/// <param name="Includes">_include specs, applied to the page's matches.</param>
/// <param name="RevIncludes">_revinclude specs, applied to the page's matches.</param>
/// <param name="PageToken">Opaque cursor from a previous <see cref="Storage.SearchPage"/>; null = first page.</param>
public sealed record SearchQuery(
    string ResourceType,
    IReadOnlyList<SearchCriterion> Criteria,
    IReadOnlyList<SortKey> Sort,
    int Count,
    TotalMode Total,
    IReadOnlyList<IncludeSpec> Includes,
    IReadOnlyList<IncludeSpec> RevIncludes,
    string? PageToken)
{
    /// <summary>A query for all resources of a type, first page.</summary>
    public static SearchQuery All(string type, int count) => new(type, [], [], count, TotalMode.None, [], [], null);
}

/// <summary>_total: none (default), estimate, accurate. The store counts for estimate and accurate alike.</summary>
public enum TotalMode
{
    None,
    Estimate,
    Accurate,
}

/// <summary>A search parameter as the server knows it (from the R4 definitions).</summary>
/// <param name="ResourceType">The type it belongs to ("Resource" for _id, _lastUpdated, _profile, _tag...).</param>
/// <param name="Name">The code used in URLs, e.g. "subject".</param>
/// <param name="Type">Token, reference, date, string, uri, quantity, number (composite/special are not served).</param>
/// <param name="Expression">The FHIRPath that extracts its values, as in the R4 SearchParameter.</param>
/// <param name="Targets">Resource types a reference parameter may point to.</param>
/// <param name="Url">The canonical URL of the SearchParameter definition.</param>
public sealed record SearchParameterInfo(
    string ResourceType,
    string Name,
    SearchParamType Type,
    string Expression,
    IReadOnlyList<string> Targets,
    string Url);

/// <summary>One ANDed condition. Values inside a criterion are ORed (comma-separated in the URL).</summary>
public abstract record SearchCriterion;

/// <summary>
/// A condition on one of the searched type's own parameters, e.g. <c>birthdate=ge2000</c>, <c>name:contains=vir</c>.
/// With <see cref="SearchModifier.Missing"/> the single value is a <see cref="MissingValue"/>.
/// With <see cref="SearchModifier.Not"/> a resource matches when none of its values equals any of <see cref="Values"/>.
/// </summary>
public sealed record ParameterCriterion(SearchParameterInfo Parameter, SearchModifier Modifier, IReadOnlyList<SearchValue> Values) : SearchCriterion;

/// <summary>
/// One level of chaining: <c>subject:Patient.identifier=x</c> — the reference parameter <see cref="Reference"/>
/// must point at a resource of <see cref="TargetType"/> that matches <see cref="Target"/> (a criterion on TargetType).
/// </summary>
public sealed record ChainCriterion(SearchParameterInfo Reference, string TargetType, ParameterCriterion Target) : SearchCriterion;

/// <summary>
/// Reverse chaining: <c>_has:Observation:patient:code=1234</c> — some <see cref="SourceType"/> resource whose reference
/// parameter <see cref="Reference"/> points at the searched resource matches <see cref="Source"/>.
/// </summary>
public sealed record HasCriterion(string SourceType, SearchParameterInfo Reference, ParameterCriterion Source) : SearchCriterion;

/// <summary>Search modifiers the server supports.</summary>
public enum SearchModifier
{
    None,
    Exact,
    Contains,
    Missing,
    Not,
    Identifier,
}

/// <summary>Comparison prefixes for ordered values (date, number, quantity).</summary>
public enum SearchPrefix
{
    Eq,
    Ne,
    Gt,
    Lt,
    Ge,
    Le,
    Sa,
    Eb,
    Ap,
}

/// <summary>One value in a criterion; the subtype matches the parameter's type.</summary>
public abstract record SearchValue;

/// <summary>Token: <c>code</c> (any system), <c>system|code</c>, <c>|code</c> (no system: System = "" ), <c>system|</c> (Code null). With :identifier on a reference too.</summary>
public sealed record TokenValue(string? System, string? Code) : SearchValue;

/// <summary>String: the raw text; matched on the normalized form (starts-with by default, contains with :contains, equality of Exact with :exact).</summary>
public sealed record StringValue(string Value) : SearchValue;

/// <summary>Date with prefix; [Start, End) is the range the value's precision implies, in UTC.</summary>
public sealed record DateValue(SearchPrefix Prefix, DateTimeOffset Start, DateTimeOffset End) : SearchValue;

/// <summary>Reference: <c>Type/id</c> or bare <c>id</c> (Type null) or an absolute URL (Url set; if it points at this server, parsed to Type/id instead).</summary>
public sealed record ReferenceValue(string? Type, string? Id, string? Url) : SearchValue;

/// <summary>Quantity: <c>[prefix]number|system|code</c>; System/Code null when not given.</summary>
public sealed record QuantityValue(SearchPrefix Prefix, decimal Value, string? System, string? Code) : SearchValue;

/// <summary>URI: exact match by default.</summary>
public sealed record UriValue(string Value) : SearchValue;

/// <summary>Number with prefix.</summary>
public sealed record NumberValue(SearchPrefix Prefix, decimal Value) : SearchValue;

/// <summary>The value of :missing: true = the resource has no value for the parameter.</summary>
public sealed record MissingValue(bool Missing) : SearchValue;

/// <summary>A sort key: a parameter (or _lastUpdated / _id) and direction.</summary>
public sealed record SortKey(SearchParameterInfo Parameter, bool Descending);

/// <summary>
/// _include / _revinclude: <c>SourceType:Param[:TargetType]</c>. For _include the source is the searched type
/// (or an included type with Iterate); for _revinclude the source is the referring type.
/// </summary>
public sealed record IncludeSpec(string SourceType, SearchParameterInfo Parameter, string? TargetType, bool Iterate);
