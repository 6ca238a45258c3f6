using Hl7.Fhir.Model;

namespace FhirBridge.Core.Operations;

/// <summary>Finds every Reference element anywhere inside a resource (contained resources and extensions included).</summary>
internal static class References
{
    public static IReadOnlyList<ResourceReference> In(Base root)
    {
        var found = new List<ResourceReference>();
        Collect(root, found);
        return found;
    }

    /// <summary>A conditional reference (https://hl7.org/fhir/R4/http.html#trules) such as "Patient?identifier=a|b".</summary>
    public static bool IsConditional(string reference, out string type, out string criteria)
    {
        var mark = reference.IndexOf('?', StringComparison.Ordinal);
        type = mark > 0 ? reference[..mark] : "";
        criteria = mark > 0 ? reference[(mark + 1)..] : "";
        return mark > 0 && !type.Contains('/', StringComparison.Ordinal) && !type.Contains(':', StringComparison.Ordinal);
    }

    private static void Collect(Base node, List<ResourceReference> found)
    {
        if (node is ResourceReference reference)
        {
            found.Add(reference);
        }

        foreach (var (_, value) in node.EnumerateElements())
        {
            switch (value)
            {
                case Base child:
                    Collect(child, found);
                    break;
                case IEnumerable<Base> children:
                    foreach (var child in children)
                    {
                        Collect(child, found);
                    }

                    break;
            }
        }
    }
}
