using System.Collections;
using Hl7.Fhir.Model;

namespace FhirBridge.Core.Validation;

/// <summary>
/// pattern[x] and fixed[x] comparison (https://hl7.org/fhir/R4/elementdefinition-definitions.html#ElementDefinition.pattern_x_):
/// an instance matches a pattern when it has every value the pattern has; each repeating pattern value must match one of
/// the instance's values. fixed[x] is a match both ways.
/// </summary>
internal static class PatternMatcher
{
    public static bool Contains(Base instance, Base pattern)
    {
        if (InstanceChildren.PrimitiveText(pattern) is { } wanted && InstanceChildren.PrimitiveText(instance) != wanted)
        {
            return false;
        }

        foreach (var (name, value) in pattern.EnumerateElements())
        {
            var have = InstanceChildren.Of(instance, name).Items;
            var wantedValues = value switch
            {
                Base single => [single],
                IEnumerable list => list.OfType<Base>(),
                _ => [],
            };
            if (!wantedValues.All(w => have.Any(h => Contains(h, w))))
            {
                return false;
            }
        }

        return true;
    }

    public static bool IsExactly(Base instance, Base fixedValue) => Contains(instance, fixedValue) && Contains(fixedValue, instance);
}
