using Hl7.Fhir.Model;

namespace FhirBridge.Core.Validation;

/// <summary>One constrained element of a compiled profile, with its child elements and named slices.</summary>
internal sealed class ElementNode(string id, string name, string profileUrl)
{
    /// <summary>The element id as written in the profile, e.g. <c>CarePlan.activity.detail.performer</c>.</summary>
    public string Id { get; } = id;

    /// <summary>The instance property this element constrains, without <c>[x]</c>.</summary>
    public string Name { get; } = name.EndsWith("[x]", StringComparison.Ordinal) ? name[..^3] : name;

    public bool IsChoice { get; } = name.EndsWith("[x]", StringComparison.Ordinal);

    public string ProfileUrl { get; } = profileUrl;

    public string? SliceName { get; set; }

    public int? Min { get; set; }

    public string? Max { get; set; }

    public List<ElementDefinition.TypeRefComponent> Types { get; set; } = [];

    /// <summary>The types a choice element was restricted to by naming it with a type suffix (<c>valueQuantity</c>).</summary>
    public HashSet<string> RenamedTypes { get; } = new(StringComparer.Ordinal);

    public DataType? Fixed { get; set; }

    public DataType? Pattern { get; set; }

    public ElementDefinition.ElementDefinitionBindingComponent? Binding { get; set; }

    public List<CompiledConstraint> Constraints { get; } = [];

    public ElementDefinition.SlicingComponent? Slicing { get; set; }

    public Dictionary<string, ElementNode> Children { get; } = new(StringComparer.Ordinal);

    public List<ElementNode> Slices { get; } = [];

    /// <summary>Where diagnostics name the rule: <c>profile-url#element-id</c>.</summary>
    public string Rule => $"{ProfileUrl}#{Id}";

    public int? MaxCount => Max is null or "*" ? null : int.Parse(Max, System.Globalization.CultureInfo.InvariantCulture);
}
