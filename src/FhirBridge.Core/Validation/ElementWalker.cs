using Hl7.Fhir.Model;

namespace FhirBridge.Core.Validation;

/// <summary>Walks an instance along a profile's element tree, running every check kind on each element instance.</summary>
internal static class ElementWalker
{
    public static void ValidateItem(ElementNode node, Base item, string path, ValidationRun run)
    {
        TypeCheck.Check(node, item, path, run);
        FixedPatternCheck.Check(node, item, path, run);
        BindingCheck.Check(node, item, path, run);
        ReferenceCheck.Check(node, item, path, run);
        ConstraintCheck.Check(node, item, path, run);
        TypeProfileCheck.Check(node, item, path, run);
        foreach (var child in node.Children.Values)
        {
            ValidateChild(child, item, path, run);
        }
    }

    private static void ValidateChild(ElementNode node, Base parent, string parentPath, ValidationRun run)
    {
        var (items, isList) = InstanceChildren.Of(parent, node.Name);
        var path = $"{parentPath}.{node.Name}";
        CardinalityCheck.Check(node, items.Count, path, run);
        for (var i = 0; i < items.Count; i++)
        {
            ValidateItem(node, items[i], ItemPath(path, i, isList), run);
        }

        if (node.Slices.Count > 0)
        {
            SlicingCheck.Check(node, items, path, isList, run);
        }
    }

    public static string ItemPath(string path, int index, bool isList) => isList ? $"{path}[{index}]" : path;
}
