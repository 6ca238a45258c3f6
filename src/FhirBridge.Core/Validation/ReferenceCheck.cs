using FhirBridge.Core.Search;
using Hl7.Fhir.Model;
using static Hl7.Fhir.Model.OperationOutcome;

namespace FhirBridge.Core.Validation;

/// <summary>
/// Reference targets (https://hl7.org/fhir/R4/elementdefinition-definitions.html#ElementDefinition.type.targetProfile):
/// the referenced type must be allowed, and a non-core target profile must be claimed by the target (meta.profile) or
/// met by it when the target is contained, in the same Bundle or in the store (through the caller's resolver).
/// </summary>
internal static class ReferenceCheck
{
    private const int MaxTargetDepth = 2;

    public static void Check(ElementNode node, Base item, string path, ValidationRun run)
    {
        if (item is not ResourceReference { Reference: { } text } reference)
        {
            return;
        }

        var targets = node.Types.Where(t => t.Code == "Reference").SelectMany(t => t.TargetProfile).OfType<string>().ToList();
        if (targets.Count == 0)
        {
            return;
        }

        var target = new Lazy<Resource?>(() => run.Resolve(text));
        var type = reference.Type ?? ReferenceText.TypeOf(text) ?? target.Value?.TypeName;
        var candidates = targets.Select(url => (Url: url, Type: TargetType(url, run))).ToList();
        var fitting = type is null ? candidates : [.. candidates.Where(c => c.Type is null or "Resource" || c.Type == type)];
        if (fitting.Count == 0)
        {
            var allowed = string.Join(", ", candidates.Select(c => c.Type).Distinct());
            run.Error(IssueType.Value, path, $"{node.Rule}: a reference to {type} is not allowed here, expected a reference to {allowed} (found '{text}').");
            return;
        }

        if (fitting.Any(c => ProfileCompiler.IsCoreDefinition(c.Url)) || target.Value is not { } resolved || run.Depth >= MaxTargetDepth)
        {
            return;
        }

        CheckTargetProfile(node, resolved, [.. fitting.Select(c => c.Url)], text, path, run);
    }

    private static void CheckTargetProfile(ElementNode node, Resource target, List<string> profiles, string text, string path, ValidationRun run)
    {
        if (profiles.Any(p => target.Meta?.Profile.Contains(p) == true))
        {
            return;
        }

        var loaded = profiles.Where(p => run.Validator.Profile(p) is not null).ToList();
        if (loaded.Count == 0)
        {
            run.Warning(IssueType.NotFound, path, $"{node.Rule}: target profile {string.Join(" or ", profiles)} is not loaded, the target '{text}' was not checked.");
            return;
        }

        var failures = loaded.Select(p => (Profile: p, Error: run.Validator.FirstError(target, p, run))).ToList();
        if (failures.Any(f => f.Error is null))
        {
            return;
        }

        var (profile, error) = failures[0];
        run.Error(IssueType.Value, path,
            $"{node.Rule}: the target '{text}' does not conform to target profile {profile}: {error!.Diagnostics} (at {string.Join(", ", error.Expression)}).");
    }

    // The resource type a target profile constrains: the core type itself, a loaded profile's type, or unknown.
    private static string? TargetType(string url, ValidationRun run) =>
        ProfileCompiler.IsCoreDefinition(url) ? url[(url.LastIndexOf('/') + 1)..] : run.Validator.Profile(url)?.Type;
}
