using System.Collections;
using Hl7.Fhir.Model;

namespace FhirBridge.Core.Validation;

/// <summary>Reads an instance element's children by FHIR element name (choice elements without their type suffix).</summary>
internal static class InstanceChildren
{
    public static (IReadOnlyList<Base> Items, bool IsList) Of(Base parent, string name)
    {
        if (!parent.TryGetValue(name, out var value))
        {
            return ([], false);
        }

        return value switch
        {
            Base single => ([single], false),
            IEnumerable list => ([.. list.OfType<Base>()], true),
            _ => ([], false),
        };
    }

    /// <summary>Follows a dotted child path (a slicing discriminator path); <c>$this</c> is the element itself.</summary>
    public static IEnumerable<Base> Select(Base item, string path)
    {
        IEnumerable<Base> current = [item];
        foreach (var step in path.Split('.'))
        {
            if (step != "$this")
            {
                current = current.SelectMany(node => Of(node, step).Items);
            }
        }

        return current;
    }

    /// <summary>The FHIR text of a primitive value (code, uri, string, ...), or null when it is not a primitive.</summary>
    public static string? PrimitiveText(Base value) => value is PrimitiveType { JsonValue: not null } primitive ? primitive.ToString() : null;
}
