using Hl7.Fhir.Introspection;
using Hl7.Fhir.Model;

namespace FhirBridge.Core.Validation;

/// <summary>
/// Rewrites element ids that name a choice element by its type (<c>Observation.valueQuantity.unit</c>) to the type-slice
/// form (<c>Observation.value[x]:valueQuantity.unit</c>), and tells the type a choice slice such as
/// <c>value[x]:valueQuantity</c> stands for (https://hl7.org/fhir/R4/profiling.html#slicing, "slicing choice types").
/// </summary>
internal static class ChoicePaths
{
    /// <summary>The id with type-named choice segments rewritten; <paramref name="renamed"/> gets each choice element id so restricted, with its type.</summary>
    public static string Normalise(string id, List<(string ChoiceId, string Type)> renamed)
    {
        var segments = id.Split('.');
        var mapping = ModelInfo.ModelInspector.FindClassMapping(segments[0]);
        var result = segments[0];
        foreach (var segment in segments.Skip(1))
        {
            var colon = segment.IndexOf(':', StringComparison.Ordinal);
            var name = colon < 0 ? segment : segment[..colon];
            var sliceName = colon < 0 ? null : segment[(colon + 1)..];
            var property = mapping?.FindMappedElementByName(name.EndsWith("[x]", StringComparison.Ordinal) ? name[..^3] : name);
            if (property is null && mapping?.FindMappedElementByChoiceName(name) is { Choice: ChoiceType.DatatypeChoice } choice
                && TypeOf(choice, name) is { } renamedType)
            {
                // valueQuantity names value[x] restricted to Quantity: the same rules as the type slice value[x]:valueQuantity.
                renamed.Add(($"{result}.{choice.Name}[x]", renamedType.Name));
                result = $"{result}.{choice.Name}[x]:{name}";
                mapping = renamedType;
                continue;
            }

            result = $"{result}.{segment}";
            mapping = property switch
            {
                null => null,
                { Choice: ChoiceType.DatatypeChoice } => sliceName is null ? null : TypeOf(property, sliceName),
                _ => property.PropertyTypeMapping,
            };
        }

        return result;
    }

    /// <summary>The type a choice slice name stands for (<c>valueQuantity</c> → Quantity), or null when the name is not of that form.</summary>
    public static string? SliceType(string choiceName, string sliceName)
    {
        if (!sliceName.StartsWith(choiceName, StringComparison.Ordinal) || sliceName.Length == choiceName.Length)
        {
            return null;
        }

        var suffix = sliceName[choiceName.Length..];
        return ModelInfo.ModelInspector.FindClassMapping(suffix)?.Name
            ?? ModelInfo.ModelInspector.FindClassMapping(char.ToLowerInvariant(suffix[0]) + suffix[1..])?.Name;
    }

    private static ClassMapping? TypeOf(PropertyMapping choice, string typedName) =>
        SliceType(choice.Name, typedName) is { } type ? ModelInfo.ModelInspector.FindClassMapping(type) : null;
}
