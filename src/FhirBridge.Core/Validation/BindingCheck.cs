using Hl7.Fhir.Model;
using static Hl7.Fhir.Model.OperationOutcome;

namespace FhirBridge.Core.Validation;

/// <summary>
/// Terminology bindings (https://hl7.org/fhir/R4/terminologies.html#strength): required → error when no code is in the
/// value set, extensible → warning; preferred and example bindings are guidance only and not checked.
/// </summary>
internal static class BindingCheck
{
    public static void Check(ElementNode node, Base item, string path, ValidationRun run)
    {
        if (node.Binding is not { ValueSet: { } valueSetUrl, Strength: BindingStrength.Required or BindingStrength.Extensible } binding
            || CodesOf(item) is not { } codes)
        {
            return;
        }

        var required = binding.Strength == BindingStrength.Required;
        var expansion = run.Validator.Terminology.Expand(valueSetUrl);
        if (expansion.Problem is { } problem)
        {
            // A code the SDK models as an enum (Observation.status, ...) was already checked against its core value set
            // by the strict parser; third-party snapshots repeat those core bindings.
            if (IsEnumCode(item))
            {
                return;
            }

            run.Warning(IssueType.NotSupported, path, $"{node.Rule}: the {binding.Strength} binding to {valueSetUrl} cannot be checked: {problem}.");
            return;
        }

        // An extensible binding allows text alone when no code fits; a required one always needs a code.
        if ((codes.Count == 0 && !required) || codes.Any(c => expansion.Contains(c.System, c.Code)))
        {
            return;
        }

        var severity = required ? IssueSeverity.Error : IssueSeverity.Warning;
        run.Add(severity, IssueType.CodeInvalid, path,
            $"{node.Rule}: {ValueText.Describe(item)} is not in value set {valueSetUrl} ({binding.Strength.ToString()!.ToLowerInvariant()} binding); " +
            $"expected one of: {expansion.Sample()}.");
    }

    private static bool IsEnumCode(Base item) => item.GetType() is { IsGenericType: true } type && type.GetGenericTypeDefinition() == typeof(Code<>);

    private static List<(string? System, string Code)>? CodesOf(Base item) => item switch
    {
        CodeableConcept concept => [.. concept.Coding.Where(c => c.Code is not null).Select(c => (c.System, c.Code!))],
        Coding coding => coding.Code is null ? [] : [(coding.System, coding.Code)],
        Quantity quantity => quantity.Code is null ? [] : [(quantity.System, quantity.Code)],
        PrimitiveType when InstanceChildren.PrimitiveText(item) is { } code => [((string?)null, code)],
        _ => null,
    };
}
