using Hl7.Fhir.Introspection;
using Hl7.Fhir.Model;

namespace FhirBridge.Core.Operations;

/// <summary>_summary and _elements (https://hl7.org/fhir/R4/search.html#summary): trims a copy of a resource and tags it SUBSETTED.</summary>
public static class ResourceSubsetting
{
    public const string SubsettedSystem = "http://terminology.hl7.org/CodeSystem/v3-ObservationValue";
    public const string SubsettedCode = "SUBSETTED";

    /// <summary>
    /// The resource as <paramref name="summary"/> ("true", "text", "data"; "false"/"count"/null trim nothing) or else
    /// <paramref name="elements"/> (top-level element names) asks; the original instance when nothing is trimmed.
    /// id, meta and mandatory elements are always kept.
    /// </summary>
    public static Resource Apply(Resource resource, string? summary, IReadOnlyCollection<string>? elements)
    {
        var keep = Selector(resource.TypeName, summary, elements);
        if (keep is null)
        {
            return resource;
        }

        var copy = (Resource)resource.DeepCopy();
        var mapping = ModelInfo.ModelInspector.FindOrImportClassMapping(copy.GetType());
        foreach (var name in copy.EnumerateElements().Select(e => e.Key).ToList())
        {
            var property = mapping?.FindMappedElementByName(name);
            if (property is null || !(AlwaysKept(property) || keep(property)))
            {
                copy.SetValue(name, null);
            }
        }

        copy.Meta ??= new Meta();
        if (!copy.Meta.Tag.Any(t => t.System == SubsettedSystem && t.Code == SubsettedCode))
        {
            copy.Meta.Tag.Add(new Coding(SubsettedSystem, SubsettedCode));
        }

        return copy;
    }

    private static Func<PropertyMapping, bool>? Selector(string type, string? summary, IReadOnlyCollection<string>? elements) =>
        summary switch
        {
            "true" => p => p.InSummary,
            "text" => p => p.Name == "text",
            "data" => p => p.Name != "text",
            _ when summary is null or "false" && elements is { Count: > 0 } => ElementSelector(type, elements),
            _ => null,
        };

    private static Func<PropertyMapping, bool> ElementSelector(string type, IReadOnlyCollection<string> elements)
    {
        var prefix = type + ".";
        var names = elements
            .Select(e => e.Trim())
            .Select(e => e.StartsWith(prefix, StringComparison.Ordinal) ? e[prefix.Length..] : e)
            .Select(e => e.EndsWith("[x]", StringComparison.Ordinal) ? e[..^3] : e)
            .ToHashSet(StringComparer.Ordinal);
        return p => names.Contains(p.Name);
    }

    private static bool AlwaysKept(PropertyMapping property) =>
        property.Name is "id" or "meta" || property.IsMandatoryElement;
}
