using System.Text.RegularExpressions;
using FhirBridge.Core.Validation;
using Hl7.Fhir.Model;

namespace FhirBridge.Core.Tests.Validation;

/// <summary>Small inline StructureDefinitions, ValueSets and CodeSystems for the validation tests.</summary>
internal static partial class Definitions
{
    public const string TestCanonicalBase = "https://test.fhirbridge.fi/fhir/";

    public static string Url(string name) => $"{TestCanonicalBase}StructureDefinition/{name}";

    public static StructureDefinition Profile(string name, string type, params ElementDefinition[] elements) =>
        Derived(name, type, $"http://hl7.org/fhir/StructureDefinition/{type}", elements);

    public static StructureDefinition Derived(string name, string type, string baseDefinition, params ElementDefinition[] elements) => new()
    {
        Url = Url(name),
        Name = name,
        Status = PublicationStatus.Active,
        Kind = type == "Extension" ? StructureDefinition.StructureDefinitionKind.ComplexType : StructureDefinition.StructureDefinitionKind.Resource,
        Abstract = false,
        Type = type,
        BaseDefinition = baseDefinition,
        Derivation = StructureDefinition.TypeDerivationRule.Constraint,
        Differential = new StructureDefinition.DifferentialComponent { Element = [new ElementDefinition { ElementId = type, Path = type }, .. elements] },
    };

    /// <summary>An extension definition whose value[x] must be one type.</summary>
    public static StructureDefinition ExtensionDefinition(string name, string valueType) => Profile(name, "Extension",
        El("Extension.extension", max: "0"),
        El("Extension.url").With(e => e.Fixed = new FhirUri(Url(name))),
        El("Extension.value[x]", min: 1).With(e => e.Type = [Type(valueType)]));

    public static ElementDefinition El(string id, int? min = null, string? max = null) =>
        new() { ElementId = id, Path = SliceSuffix().Replace(id, string.Empty), Min = min, Max = max };

    public static ElementDefinition With(this ElementDefinition element, Action<ElementDefinition> change)
    {
        change(element);
        return element;
    }

    public static ElementDefinition Slice(string id, int? min = null, string? max = null)
    {
        var element = El(id, min, max);
        element.SliceName = id[(id.LastIndexOf(':') + 1)..];
        return element;
    }

    public static ElementDefinition.TypeRefComponent Type(string code, params string[] profiles) => new() { Code = code, Profile = profiles };

    public static ElementDefinition.TypeRefComponent ReferenceTo(params string[] targetProfiles) => new() { Code = "Reference", TargetProfile = targetProfiles };

    public static ElementDefinition.ConstraintComponent Invariant(string key, string expression, ConstraintSeverity severity = ConstraintSeverity.Error) =>
        new() { Key = key, Human = $"rule {key}", Expression = expression, Severity = severity };

    public static CodeSystem Codes(string name, params string[] codes) => new()
    {
        Url = $"{TestCanonicalBase}CodeSystem/{name}",
        Status = PublicationStatus.Active,
        Content = CodeSystemContentMode.Complete,
        Concept = [.. codes.Select(c => new CodeSystem.ConceptDefinitionComponent { Code = c, Display = c })],
    };

    public static ValueSet WholeSystem(string name, string system) => new()
    {
        Url = $"{TestCanonicalBase}ValueSet/{name}",
        Status = PublicationStatus.Active,
        Compose = new ValueSet.ComposeComponent { Include = [new ValueSet.ConceptSetComponent { System = system }] },
    };

    public static ProfileValidator Validator(params Resource[] definitions) => new(new ConformanceSource(definitions));

    [GeneratedRegex(@":[^.]+")]
    private static partial Regex SliceSuffix();
}
