using Hl7.Fhir.Model;
using static Hl7.Fhir.Model.OperationOutcome;

namespace FhirBridge.Core.Validation;

/// <summary>
/// Profile invariants, evaluated on each instance of their element with <c>%resource</c> bound to the validated resource
/// (https://hl7.org/fhir/R4/conformance-rules.html#constraints).
/// </summary>
internal static class ConstraintCheck
{
    public static void Check(ElementNode node, Base item, string path, ValidationRun run)
    {
        if (node.Constraints.Count == 0)
        {
            return;
        }

        var focus = ReferenceEquals(item, run.Root) ? run.RootNode : item.ToPocoNode(ModelInfo.ModelInspector);
        foreach (var constraint in node.Constraints)
        {
            var rule = $"{node.Rule} constraint {constraint.Key}";
            if (constraint.Compiled is null)
            {
                run.Warning(IssueType.NotSupported, path, $"{rule} was not checked: its expression does not compile ({constraint.CompileError}).");
                continue;
            }

            bool holds;
            try
            {
                holds = IsTrue(constraint.Compiled([focus], run.EvaluationContext));
            }
            catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException or InvalidCastException)
            {
                run.Warning(IssueType.NotSupported, path, $"{rule} was not checked: evaluating '{constraint.Expression}' failed ({e.Message}).");
                continue;
            }

            if (!holds)
            {
                run.Add(constraint.IsError ? IssueSeverity.Error : IssueSeverity.Warning, IssueType.Invariant, path,
                    $"{rule} failed: {constraint.Human} (expected '{constraint.Expression}' to be true).");
            }
        }
    }

    // As the reference validator does: empty is false, a single boolean is itself, anything else present is true.
    private static bool IsTrue(IEnumerable<PocoNode> result)
    {
        var values = result.Take(2).ToList();
        return values switch
        {
            [] => false,
            [{ Poco: PrimitiveType { JsonValue: bool value } }] => value,
            _ => true,
        };
    }
}
