using Hl7.Fhir.Model;
using static Hl7.Fhir.Model.OperationOutcome;

namespace FhirBridge.Core.Validation;

/// <summary>
/// Slicing: sorts the items of a sliced element into its slices, checks each slice's cardinality and constraints, and
/// rejects items matching no slice when the slicing is closed.
/// </summary>
internal static class SlicingCheck
{
    // Extensions are always sliced by url, open (https://hl7.org/fhir/R4/extensibility.html#Extension), even when a
    // differential does not repeat it.
    private static readonly ElementDefinition.SlicingComponent ExtensionSlicing = new()
    {
        Discriminator = [new ElementDefinition.DiscriminatorComponent { Type = ElementDefinition.DiscriminatorType.Value, Path = "url" }],
        Rules = ElementDefinition.SlicingRules.Open,
    };

    // Slices of a choice element are type slices even when the definition leaves the slicing out
    // (https://hl7.org/fhir/R4/profiling.html#slicing: "value[x]:valueQuantity").
    private static readonly ElementDefinition.SlicingComponent ChoiceSlicing = new()
    {
        Discriminator = [new ElementDefinition.DiscriminatorComponent { Type = ElementDefinition.DiscriminatorType.Type, Path = "$this" }],
        Rules = ElementDefinition.SlicingRules.Open,
    };

    public static void Check(ElementNode node, IReadOnlyList<Base> items, string path, bool isList, ValidationRun run)
    {
        var slicing = node.Slicing ?? (node.Name is "extension" or "modifierExtension" ? ExtensionSlicing : node.IsChoice ? ChoiceSlicing : null);
        if (slicing is null || slicing.Discriminator.Count == 0 || !slicing.Discriminator.All(SliceMatcher.IsSupported))
        {
            var how = slicing is null ? "no slicing is declared" : $"discriminator(s) {string.Join(", ", slicing.Discriminator.Select(d => $"{d.Type}:{d.Path}"))} are not supported";
            run.Warning(IssueType.NotSupported, path, $"{node.Rule}: slices were not checked ({how}).");
            return;
        }

        var matched = node.Slices.ToDictionary(s => s, _ => new List<int>());
        for (var i = 0; i < items.Count; i++)
        {
            var slice = node.Slices.FirstOrDefault(s => SliceMatcher.Matches(s, slicing.Discriminator, items[i], run));
            if (slice is not null)
            {
                matched[slice].Add(i);
            }
            else if (slicing.Rules == ElementDefinition.SlicingRules.Closed)
            {
                run.Error(IssueType.Structure, ElementWalker.ItemPath(path, i, isList),
                    $"{node.Rule}: {ValueText.Describe(items[i])} matches none of the slices {string.Join(", ", node.Slices.Select(s => s.SliceName))} and the slicing is closed.");
            }
        }

        foreach (var (slice, indexes) in matched)
        {
            CardinalityCheck.Check(slice, indexes.Count, path, run);
            foreach (var i in indexes)
            {
                ElementWalker.ValidateItem(slice, items[i], ElementWalker.ItemPath(path, i, isList), run);
            }
        }
    }
}
