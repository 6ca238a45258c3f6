using Hl7.Fhir.Introspection;
using Hl7.Fhir.Model;

namespace FhirBridge.Core.Tests.Profiles;

/// <summary>Resolves element paths such as <c>CarePlan.activity.detail.scheduled[x]</c> against the SDK's R4 model.</summary>
internal static class R4Model
{
    /// <summary>True when every step of <paramref name="path"/> is an element of R4; a choice is followed into <paramref name="choiceType"/>'s answer.</summary>
    public static bool Resolves(string path, Func<string, string?> choiceType)
    {
        var steps = path.Split('.');
        var mapping = ModelInfo.ModelInspector.FindClassMapping(steps[0]);
        for (var i = 1; i < steps.Length && mapping is not null; i++)
        {
            var name = steps[i].EndsWith("[x]", StringComparison.Ordinal) ? steps[i][..^3] : steps[i];
            var property = mapping.FindMappedElementByName(name);
            // The SDK's lookup ignores case; FHIR element names do not.
            if (property is null || property.Name != name)
            {
                return false;
            }

            if (i == steps.Length - 1)
            {
                return true;
            }

            mapping = property.Choice == ChoiceType.None
                ? property.PropertyTypeMapping
                : choiceType(string.Join('.', steps[..(i + 1)])) is { } type ? ModelInfo.ModelInspector.FindClassMapping(type) : null;
        }

        return mapping is not null;
    }
}
