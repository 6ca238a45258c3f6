using static Hl7.Fhir.Model.OperationOutcome;

namespace FhirBridge.Core.Validation;

/// <summary>min/max of an element (or of a slice, counting the items that matched it).</summary>
internal static class CardinalityCheck
{
    public static void Check(ElementNode node, int count, string path, ValidationRun run)
    {
        var what = node.SliceName is null ? "element" : $"slice '{node.SliceName}'";
        if (node.Min is { } min && count < min)
        {
            run.Missing(path, node.SliceName,
                $"{node.Rule}: {what} requires at least {min} value(s) ({node.Min}..{node.Max ?? "*"}), found {count}.");
        }

        if (node.MaxCount is { } max && count > max)
        {
            var expected = max == 0 ? "must be absent" : $"allows at most {max} value(s) ({node.Min ?? 0}..{node.Max})";
            run.Error(IssueType.Structure, path, $"{node.Rule}: {what} {expected}, found {count}.");
        }
    }
}
