using Hl7.Fhir.Model;
using static Hl7.Fhir.Model.OperationOutcome;

namespace FhirBridge.Core.Validation;

/// <summary>fixed[x] (exact value) and pattern[x] (the instance contains the pattern).</summary>
internal static class FixedPatternCheck
{
    public static void Check(ElementNode node, Base item, string path, ValidationRun run)
    {
        if (node.Fixed is { } fixedValue && !PatternMatcher.IsExactly(item, fixedValue))
        {
            run.Error(IssueType.Value, path,
                $"{node.Rule}: the value must be exactly {ValueText.Describe(fixedValue)} (fixed), found {ValueText.Describe(item)}.");
        }

        if (node.Pattern is { } pattern && !PatternMatcher.Contains(item, pattern))
        {
            run.Error(IssueType.Value, path,
                $"{node.Rule}: the value must match the pattern {ValueText.Describe(pattern)}, found {ValueText.Describe(item)}.");
        }
    }
}
