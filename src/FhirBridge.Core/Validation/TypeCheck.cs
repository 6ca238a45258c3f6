using Hl7.Fhir.Model;
using static Hl7.Fhir.Model.OperationOutcome;

namespace FhirBridge.Core.Validation;

/// <summary>Type restrictions: a choice element <c>[x]</c> (or a contained/entry resource) must be one of the profile's types.</summary>
internal static class TypeCheck
{
    public static void Check(ElementNode node, Base item, string path, ValidationRun run)
    {
        if (node.RenamedTypes.Count > 0 && !node.RenamedTypes.Contains(item.TypeName))
        {
            var named = string.Join(" or ", node.RenamedTypes.Order(StringComparer.Ordinal));
            run.Error(IssueType.Structure, path, $"{node.Rule}: type {item.TypeName} is not allowed here, the profile restricts {node.Name}[x] to {named}.");
            return;
        }

        // Elements that are not choices have one POCO type already enforced by the parser.
        if (node.Types.Count == 0 || !(node.IsChoice || item is Resource) || node.Types.Any(t => Accepts(t.Code, item)))
        {
            return;
        }

        var expected = string.Join(" or ", node.Types.Select(t => t.Code));
        run.Error(IssueType.Structure, path, $"{node.Rule}: type {item.TypeName} is not allowed here, expected {expected}.");
    }

    public static bool Accepts(string? code, Base item) =>
        code == item.TypeName || (item is Resource && code is "Resource") || (item is DomainResource && code is "DomainResource");
}
