using Hl7.Fhir.Model;

namespace FhirBridge.Core.Search;

/// <summary>
/// Parses one search criterion — <c>name[:modifier]=values</c>, one-level chains <c>ref[:Type].name</c> and reverse
/// chains <c>_has:Type:ref:name</c> — against the registry; throws <see cref="SearchParameterException"/> on anything unusable.
/// </summary>
internal sealed class CriterionParser(ISearchParameterRegistry registry)
{
    public SearchCriterion Parse(string resourceType, string key, string value, Uri? baseUrl)
    {
        if (key.StartsWith("_has:", StringComparison.Ordinal))
        {
            return ReverseChain(resourceType, key, value, baseUrl);
        }

        var dot = key.IndexOf('.');
        var (name, modifier) = SplitModifier(dot < 0 ? key : key[..dot]);
        var parameter = Known(resourceType, name);
        return dot < 0 ? Criterion(parameter, modifier, value, baseUrl) : Chain(parameter, modifier, key[(dot + 1)..], value, baseUrl);
    }

    private ParameterCriterion Criterion(SearchParameterInfo parameter, string? modifier, string value, Uri? baseUrl)
    {
        var raws = SearchEscaping.Split(value, ',');
        if (raws.Any(r => r.Length == 0))
        {
            throw SearchParameterException.Invalid($"'{value}' has an empty value in its comma-separated list.");
        }

        List<SearchValue> Values(Func<string, SearchValue> parse) => [.. raws.Select(parse)];
        return (modifier, parameter.Type) switch
        {
            (null, _) => new(parameter, SearchModifier.None, Values(r => SearchValueParser.Parse(parameter, r, baseUrl))),
            ("missing", _) => new(parameter, SearchModifier.Missing, [Missing(value)]),
            ("exact", SearchParamType.String) => new(parameter, SearchModifier.Exact, Values(r => SearchValueParser.Parse(parameter, r, baseUrl))),
            ("contains", SearchParamType.String) => new(parameter, SearchModifier.Contains, Values(r => SearchValueParser.Parse(parameter, r, baseUrl))),
            ("not", SearchParamType.Token) => new(parameter, SearchModifier.Not, Values(SearchValueParser.Token)),
            ("identifier", SearchParamType.Reference) => new(parameter, SearchModifier.Identifier, Values(SearchValueParser.Token)),
            (_, SearchParamType.Reference) when ModelInfo.IsKnownResource(modifier) =>
                new(parameter, SearchModifier.None, Values(r => SearchValueParser.Parse(parameter, r, baseUrl, TargetType(parameter, modifier)))),
            _ => throw SearchParameterException.NotSupported(
                $"The modifier ':{modifier}' is not supported on the {parameter.Type.ToString().ToLowerInvariant()} parameter '{parameter.Name}'."),
        };
    }

    private ChainCriterion Chain(SearchParameterInfo reference, string? typeModifier, string chain, string value, Uri? baseUrl)
    {
        if (reference.Type != SearchParamType.Reference)
        {
            throw SearchParameterException.Invalid($"'{reference.Name}' is not a reference parameter, so it cannot be chained.");
        }

        if (chain.Contains('.'))
        {
            throw SearchParameterException.NotSupported("Chains deeper than one level are not supported.");
        }

        var (name, modifier) = SplitModifier(chain);
        var targetType = typeModifier is not null ? TargetType(reference, typeModifier) : ChainTarget(reference, name);
        if (registry.For(targetType).Count == 0)
        {
            throw SearchParameterException.NotSupported($"'{targetType}' is not a resource type served here, so it cannot be chained into.");
        }

        return new ChainCriterion(reference, targetType, Criterion(Known(targetType, name), modifier, value, baseUrl));
    }

    // A bare chain "subject.name" needs a single target type that has the parameter (https://hl7.org/fhir/R4/search.html#chaining).
    private string ChainTarget(SearchParameterInfo reference, string name)
    {
        var candidates = reference.Targets.Where(t => registry.Find(t, name) is not null).ToList();
        return candidates.Count switch
        {
            1 => candidates[0],
            0 => throw SearchParameterException.NotSupported(
                $"None of the types '{reference.Name}' can point at ({string.Join(", ", reference.Targets)}) has a search parameter '{name}' on this server."),
            _ => throw SearchParameterException.Invalid(
                $"The chain '{reference.Name}.{name}' is ambiguous: {string.Join(", ", candidates)} all have '{name}'. Name the type, e.g. '{reference.Name}:{candidates[0]}.{name}'."),
        };
    }

    private HasCriterion ReverseChain(string resourceType, string key, string value, Uri? baseUrl)
    {
        var parts = key.Split(':');
        if (parts.Length is < 4 or > 5 || parts.Any(p => p.Length == 0))
        {
            throw SearchParameterException.Invalid("Expected _has:Type:reference:parameter, e.g. _has:Observation:patient:code.");
        }

        if (parts[3] == "_has" || parts[3].Contains('.'))
        {
            throw SearchParameterException.NotSupported("Only one level of _has without chaining is supported.");
        }

        var sourceType = parts[1];
        if (registry.For(sourceType).Count == 0)
        {
            throw SearchParameterException.NotSupported($"'{sourceType}' is not a resource type served here.");
        }

        var reference = Known(sourceType, parts[2]);
        if (reference.Type != SearchParamType.Reference || (reference.Targets.Count > 0 && !reference.Targets.Contains(resourceType)))
        {
            throw SearchParameterException.Invalid($"'{sourceType}.{reference.Name}' is not a reference that can point at a {resourceType}.");
        }

        return new HasCriterion(sourceType, reference, Criterion(Known(sourceType, parts[3]), parts.Length == 5 ? parts[4] : null, value, baseUrl));
    }

    private SearchParameterInfo Known(string resourceType, string name) =>
        registry.Find(resourceType, name)
        ?? throw SearchParameterException.NotSupported($"'{name}' is not a search parameter of {resourceType} on this server.");

    private string TargetType(SearchParameterInfo reference, string type)
    {
        if (!ModelInfo.IsKnownResource(type) || (reference.Targets.Count > 0 && !reference.Targets.Contains(type)))
        {
            throw SearchParameterException.Invalid(
                $"'{reference.Name}' cannot point at a '{type}'; its targets are {string.Join(", ", reference.Targets)}.");
        }

        return type;
    }

    private static MissingValue Missing(string value) => value switch
    {
        "true" => new MissingValue(true),
        "false" => new MissingValue(false),
        _ => throw SearchParameterException.Invalid($"':missing' takes true or false, not '{value}'."),
    };

    private static (string Name, string? Modifier) SplitModifier(string head)
    {
        var colon = head.IndexOf(':');
        return colon < 0 ? (head, null) : (head[..colon], head[(colon + 1)..]);
    }
}
