using Hl7.Fhir.Model;
using static Hl7.Fhir.Model.OperationOutcome;

namespace FhirBridge.Core.Validation;

/// <summary>
/// Profiles on an element's type, e.g. an extension slice typed <c>Extension(url)</c>: the value must conform to one of
/// them, validated with that StructureDefinition when it is loaded.
/// </summary>
internal static class TypeProfileCheck
{
    public static void Check(ElementNode node, Base item, string path, ValidationRun run)
    {
        var profiles = node.Types
            .Where(t => TypeCheck.Accepts(t.Code, item))
            .SelectMany(t => t.Profile).OfType<string>()
            .Where(url => !ProfileCompiler.IsCoreDefinition(url))
            .ToList();
        if (profiles.Count == 0)
        {
            return;
        }

        var loaded = profiles.Select(run.Validator.Profile).OfType<CompiledProfile>().ToList();
        if (loaded.Count == 0)
        {
            run.Warning(IssueType.NotFound, path, $"{node.Rule}: profile {string.Join(" or ", profiles)} is not loaded, the value was not checked against it.");
            return;
        }

        // Conforming to any one listed profile is enough; with one candidate its issues go straight into the outcome.
        var attempts = loaded.Select(profile => run.Attempt(profile, item, path)).ToList();
        var chosen = attempts.FirstOrDefault(a => !a.HasErrors) ?? attempts[0];
        run.Issues.AddRange(chosen.Issues);
    }
}
