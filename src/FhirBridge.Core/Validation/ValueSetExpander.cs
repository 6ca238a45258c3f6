using System.Collections.Concurrent;
using Hl7.Fhir.Model;

namespace FhirBridge.Core.Validation;

/// <summary>
/// Expands loaded ValueSets from loaded CodeSystems (https://hl7.org/fhir/R4/valueset.html#compose): include/exclude of
/// concept lists, whole systems, <c>is-a</c>/<c>descendent-of</c> filters and imported value sets; cached per canonical.
/// </summary>
internal sealed class ValueSetExpander(ConformanceSource source)
{
    private readonly ConcurrentDictionary<string, Lazy<Expansion>> _cache = new(StringComparer.Ordinal);

    public Expansion Expand(string canonical) =>
        _cache.GetOrAdd(canonical, c => new Lazy<Expansion>(() => Build(c, new HashSet<string>(StringComparer.Ordinal)))).Value;

    private Expansion Build(string canonical, HashSet<string> visiting)
    {
        if (!visiting.Add(canonical))
        {
            return new Expansion { Problem = $"value set {canonical} includes itself" };
        }

        try
        {
            return source.FindValueSet(canonical) is { } valueSet
                ? Build(valueSet, visiting)
                : new Expansion { Problem = $"value set {canonical} is not loaded" };
        }
        finally
        {
            visiting.Remove(canonical);
        }
    }

    private Expansion Build(ValueSet valueSet, HashSet<string> visiting)
    {
        var result = new Expansion();
        if (valueSet.Compose is null)
        {
            AddContains(result, valueSet.Expansion?.Contains ?? []);
            return result;
        }

        foreach (var include in valueSet.Compose.Include)
        {
            result.UnionWith(Select(include, visiting));
        }

        foreach (var exclude in valueSet.Compose.Exclude)
        {
            result.ExceptWith(Select(exclude, visiting));
        }

        return result;
    }

    private Expansion Select(ValueSet.ConceptSetComponent set, HashSet<string> visiting)
    {
        Expansion? result = set.System is { } system ? FromSystem(system, set) : null;
        foreach (var imported in set.ValueSet.OfType<string>())
        {
            var other = Build(imported, visiting);
            if (result is null)
            {
                result = new Expansion();
                result.UnionWith(other);
            }
            else
            {
                result.IntersectWith(other);
            }
        }

        return result ?? new Expansion();
    }

    private Expansion FromSystem(string system, ValueSet.ConceptSetComponent set)
    {
        var result = new Expansion();
        if (set.Concept.Count > 0)
        {
            result.Codes.UnionWith(set.Concept.Where(c => c.Code is not null).Select(c => (system, c.Code!)));
            return result;
        }

        var codeSystem = source.FindCodeSystem(system);
        if (codeSystem is null || codeSystem.Content is CodeSystemContentMode.NotPresent or CodeSystemContentMode.Example or CodeSystemContentMode.Fragment)
        {
            result.OpenSystems.Add(system);
            return result;
        }

        IEnumerable<CodeSystem.ConceptDefinitionComponent> concepts = Flatten(codeSystem.Concept);
        foreach (var filter in set.Filter)
        {
            var selected = filter.Op switch
            {
                FilterOperator.IsA => Subtree(codeSystem.Concept, filter.Value ?? string.Empty, includeSelf: true),
                FilterOperator.DescendentOf => Subtree(codeSystem.Concept, filter.Value ?? string.Empty, includeSelf: false),
                _ => null,
            };
            if (selected is null)
            {
                // A filter this expander does not know: accept the system's codes rather than reject valid ones.
                result.OpenSystems.Add(system);
                return result;
            }

            concepts = concepts.Intersect(selected);
        }

        result.Codes.UnionWith(concepts.Where(c => c.Code is not null).Select(c => (system, c.Code!)));
        return result;
    }

    private static IEnumerable<CodeSystem.ConceptDefinitionComponent> Flatten(IEnumerable<CodeSystem.ConceptDefinitionComponent> concepts) =>
        concepts.SelectMany(c => Flatten(c.Concept).Prepend(c));

    private static List<CodeSystem.ConceptDefinitionComponent> Subtree(IEnumerable<CodeSystem.ConceptDefinitionComponent> concepts, string code, bool includeSelf)
    {
        var root = Flatten(concepts).FirstOrDefault(c => c.Code == code);
        if (root is null)
        {
            return [];
        }

        var descendants = Flatten(root.Concept);
        return [.. includeSelf ? descendants.Prepend(root) : descendants];
    }

    private static void AddContains(Expansion result, IEnumerable<ValueSet.ContainsComponent> contains)
    {
        foreach (var entry in contains)
        {
            if (entry.System is not null && entry.Code is not null)
            {
                result.Codes.Add((entry.System, entry.Code));
            }

            AddContains(result, entry.Contains);
        }
    }
}
