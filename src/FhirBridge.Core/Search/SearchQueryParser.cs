using System.Collections.Frozen;

namespace FhirBridge.Core.Search;

/// <summary>
/// Parses URL search parameters into a <see cref="SearchQuery"/> per https://hl7.org/fhir/R4/search.html: every
/// registry parameter with prefixes and modifiers, one-level chains, _has, and the result parameters.
/// </summary>
public sealed class SearchQueryParser(ISearchParameterRegistry registry, PageSizes pageSizes) : ISearchQueryParser
{
    public SearchQueryParser(ISearchParameterRegistry registry)
        : this(registry, new PageSizes())
    {
    }

    // Presentation only: the HTTP layer reads them; they neither filter nor appear as warnings.
    private static readonly FrozenSet<string> Presentation = ["_format", "_pretty"];

    private readonly CriterionParser _criteria = new(registry);

    public ParsedSearch Parse(string resourceType, IReadOnlyList<KeyValuePair<string, string>> parameters, bool strict, Uri? baseUrl)
    {
        var problems = new SearchProblems(strict);
        var results = new ResultParameters(registry, resourceType, pageSizes);
        var criteria = new List<SearchCriterion>();
        var applied = new List<KeyValuePair<string, string>>();
        foreach (var (key, value) in parameters)
        {
            // An empty value constrains nothing: such parameters are ignored, as most servers do.
            if (value.Length == 0 || key.Length == 0 || Presentation.Contains(key))
            {
                continue;
            }

            try
            {
                if (ResultParameters.Handles(key))
                {
                    applied.Add(new(key, results.Accept(key, value)));
                }
                else
                {
                    criteria.Add(_criteria.Parse(resourceType, key, value, baseUrl));
                    applied.Add(new(key, value));
                }
            }
            catch (SearchParameterException problem)
            {
                problems.Add(problem, key);
            }
        }

        problems.ThrowIfStrict();
        return new ParsedSearch(results.ToQuery(criteria), results.Summary, results.Elements, problems.Warnings, applied);
    }
}
