using Hl7.Fhir.Model;

namespace FhirBridge.Core.Search;

/// <summary>Turns URL search parameters into a <see cref="SearchQuery"/>.</summary>
public interface ISearchQueryParser
{
    /// <summary>
    /// Parses <paramref name="parameters"/> (in URL order, repeated names allowed = AND) for a search on <paramref name="resourceType"/>.
    /// Unknown or malformed parameters: with <paramref name="strict"/> a <see cref="Errors.BadRequestException"/> naming each one;
    /// otherwise they are left out and described in <see cref="ParsedSearch.Warnings"/>.
    /// Result parameters (_count, _sort, _include, _revinclude, _total, _summary, _elements, _page, _format, _pretty) are understood too.
    /// <paramref name="baseUrl"/> is this server's FHIR base (e.g. https://x.fi/fhir): an absolute reference value under it
    /// is read as Type/id; other absolute URLs stay URLs. Null when unknown.
    /// </summary>
    ParsedSearch Parse(string resourceType, IReadOnlyList<KeyValuePair<string, string>> parameters, bool strict, Uri? baseUrl);
}

/// <summary>The parsed query, the presentation options the store does not need, and warnings about ignored parameters.</summary>
/// <param name="Query">What the store evaluates.</param>
/// <param name="Summary">_summary: null when absent; "true", "count", "data", "text", "false".</param>
/// <param name="Elements">_elements: null when absent.</param>
/// <param name="Warnings">One issue (severity warning, code not-supported/invalid, expression = the parameter) per ignored parameter.</param>
/// <param name="Applied">The parameters actually used, normalised, for the Bundle's self link.</param>
public sealed record ParsedSearch(
    SearchQuery Query,
    string? Summary,
    IReadOnlyList<string>? Elements,
    IReadOnlyList<OperationOutcome.IssueComponent> Warnings,
    IReadOnlyList<KeyValuePair<string, string>> Applied);
