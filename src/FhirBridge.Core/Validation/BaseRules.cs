using Hl7.Fhir.Model;
using Hl7.Fhir.Validation;
using FhirBridge.Core.Fhir;
using static Hl7.Fhir.Model.OperationOutcome;

namespace FhirBridge.Core.Validation;

/// <summary>
/// Base R4 rules the SDK knows from its model: cardinality, choice types, primitive formats, narrative XHTML, nesting of
/// contained resources (the strict parser has already rejected unknown elements and malformed values).
/// </summary>
internal static class BaseRules
{
    public static void Check(ValidationRun run)
    {
        foreach (var problem in run.Root.Validate(ModelInfo.ModelInspector, NarrativeValidationKind.None, null, true))
        {
            var path = problem.InstancePath ?? run.Root.TypeName;
            var message = $"Base R4 rule: {problem.BaseErrorMessage ?? problem.Message}";
            if (problem.ErrorCode == CodedValidationException.MANDATORY_ELEMENT_MUST_BE_PRESENT_CODE)
            {
                run.Missing(path, null, message);
            }
            else
            {
                run.Add(problem.IssueSeverity, problem.IssueType, path, message);
            }
        }

        // Parsed resources were checked already; this covers resources built in code (the SDK's check is far slower).
        foreach (var (expression, message) in NarrativeXhtml.Problems(run.Root))
        {
            run.Error(IssueType.Value, expression, $"Base R4 rule: {message}");
        }
    }
}
