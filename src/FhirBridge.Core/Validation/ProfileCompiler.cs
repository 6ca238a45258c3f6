using Hl7.Fhir.Model;

namespace FhirBridge.Core.Validation;

/// <summary>
/// Builds the element tree of a profile: its snapshot when it has one, otherwise its differential merged over the
/// differentials (or first snapshot) of the loaded profiles along its <c>baseDefinition</c> chain, derived overriding base.
/// </summary>
internal static class ProfileCompiler
{
    private const string CoreDefinitionPrefix = "http://hl7.org/fhir/StructureDefinition/";

    public static CompiledProfile Compile(StructureDefinition profile, ConformanceSource source)
    {
        var problems = new List<string>();
        var chain = Chain(profile, source, problems);
        var merged = new Dictionary<string, ElementDefinition>(StringComparer.Ordinal);
        var order = new List<string>();
        var renamed = new List<(string ChoiceId, string Type)>();
        for (var i = chain.Count - 1; i >= 0; i--)
        {
            var definition = chain[i];
            var elements = i == chain.Count - 1 && HasSnapshot(definition) ? definition.Snapshot!.Element : definition.Differential?.Element ?? [];
            foreach (var element in elements)
            {
                var key = ChoicePaths.Normalise(KeyOf(element), renamed);
                if (merged.TryGetValue(key, out var existing))
                {
                    merged[key] = Merge(existing, element);
                }
                else
                {
                    merged[key] = element;
                    order.Add(key);
                }
            }
        }

        var url = profile.Url ?? profile.Id ?? "(no url)";
        var type = profile.Type ?? order.FirstOrDefault() ?? "Resource";
        var root = new ElementNode(type, type, url);
        foreach (var key in order)
        {
            Apply(Locate(root, key, url), merged[key]);
        }

        foreach (var (choiceId, choiceType) in renamed)
        {
            Locate(root, choiceId, url).RenamedTypes.Add(choiceType);
        }

        return new CompiledProfile(url, type, root, problems);
    }

    // From the profile down to the first one with a snapshot, or to the last loaded one above a core type.
    private static List<StructureDefinition> Chain(StructureDefinition profile, ConformanceSource source, List<string> problems)
    {
        var chain = new List<StructureDefinition> { profile };
        var seen = new HashSet<string>(StringComparer.Ordinal) { profile.Url ?? string.Empty };
        var current = profile;
        while (!HasSnapshot(current) && current.BaseDefinition is { } baseUrl && seen.Add(baseUrl))
        {
            var parent = source.FindStructureDefinition(baseUrl);
            if (parent is null)
            {
                if (!IsCoreDefinition(baseUrl))
                {
                    problems.Add($"base profile {baseUrl} of {current.Url} is not loaded: its constraints are not checked");
                }

                break;
            }

            chain.Add(parent);
            current = parent;
        }

        return chain;
    }

    private static bool HasSnapshot(StructureDefinition definition) => definition.Snapshot?.Element.Count > 0;

    public static bool IsCoreDefinition(string url) =>
        url.StartsWith(CoreDefinitionPrefix, StringComparison.Ordinal) && ModelInfo.IsCoreModelType(url[CoreDefinitionPrefix.Length..]);

    private static string KeyOf(ElementDefinition element) =>
        element.ElementId ?? (element.SliceName is { } slice ? $"{element.Path}:{slice}" : element.Path ?? string.Empty);

    private static ElementDefinition Merge(ElementDefinition baseElement, ElementDefinition derived)
    {
        var merged = (ElementDefinition)baseElement.DeepCopy();
        merged.Min = derived.Min ?? merged.Min;
        merged.Max = derived.Max ?? merged.Max;
        merged.Fixed = derived.Fixed ?? merged.Fixed;
        merged.Pattern = derived.Pattern ?? merged.Pattern;
        merged.Binding = derived.Binding ?? merged.Binding;
        merged.Slicing = derived.Slicing ?? merged.Slicing;
        if (derived.Type.Count > 0)
        {
            merged.Type = derived.Type;
        }

        // Invariants accumulate down the chain; a derived one with the same key replaces the inherited one.
        merged.Constraint = [.. merged.Constraint.Where(c => derived.Constraint.All(d => d.Key != c.Key)), .. derived.Constraint];
        return merged;
    }

    // Walks (and creates) the path of an element id such as "CarePlan.extension:endReason.value[x]".
    private static ElementNode Locate(ElementNode root, string key, string profileUrl)
    {
        var segments = key.Split('.');
        var node = root;
        var id = segments[0];
        foreach (var segment in segments.Skip(1))
        {
            var colon = segment.IndexOf(':', StringComparison.Ordinal);
            var name = colon < 0 ? segment : segment[..colon];
            var childId = $"{id}.{name}";
            var bareName = name.EndsWith("[x]", StringComparison.Ordinal) ? name[..^3] : name;
            if (!node.Children.TryGetValue(bareName, out var child))
            {
                child = new ElementNode(childId, name, profileUrl);
                node.Children[bareName] = child;
            }

            node = child;
            id = childId;
            if (colon >= 0)
            {
                var sliceName = segment[(colon + 1)..];
                id = $"{childId}:{sliceName}";
                var slice = node.Slices.FirstOrDefault(s => s.SliceName == sliceName);
                if (slice is null)
                {
                    slice = new ElementNode(id, name, profileUrl) { SliceName = sliceName };
                    if (slice.IsChoice && ChoicePaths.SliceType(slice.Name, sliceName) is { } type)
                    {
                        // A type slice of a choice names its type; the definition may leave the type list out.
                        slice.Types = [new ElementDefinition.TypeRefComponent { Code = type }];
                    }

                    node.Slices.Add(slice);
                }

                node = slice;
            }
        }

        return node;
    }

    private static void Apply(ElementNode node, ElementDefinition element)
    {
        node.Min = element.Min;
        node.Max = element.Max;
        if (element.Type.Count > 0)
        {
            node.Types = element.Type;
        }

        node.Fixed = element.Fixed;
        node.Pattern = element.Pattern;
        node.Binding = element.Binding;
        node.Slicing = element.Slicing;
        // Core invariants (dom-*, ele-1, ...) copied into third-party snapshots are base rules, not the profile's.
        node.Constraints.AddRange(element.Constraint
            .Where(c => !string.IsNullOrEmpty(c.Expression) && !(c.Source is { } source && IsCoreDefinition(source)))
            .Select(c => new CompiledConstraint(c)));
    }
}
