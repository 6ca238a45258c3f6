using FhirBridge.Core.Errors;
using Hl7.Fhir.FhirPath;
using Hl7.Fhir.Model;
using Hl7.FhirPath;
using Hl7.FhirPath.Expressions;

namespace FhirBridge.Core.Validation;

/// <summary>
/// Which loaded profiles a resource must conform to (the loaded ones it claims in meta.profile, and those of the
/// matching <see cref="MustConformRule"/>s), and the validation against them.
/// </summary>
public sealed class ConformanceGate
{
    private static readonly FhirPathCompiler Compiler = new(new SymbolTable().AddStandardFP().AddFhirExtensions());

    private readonly ILookup<string, (CompiledExpression When, string Profile)> _rules;

    /// <param name="validator">The validator, over the conformance resources the server loaded.</param>
    /// <param name="rules">The must-conform rules; each profile must be loaded and each condition valid FHIRPath.</param>
    public ConformanceGate(ProfileValidator validator, IEnumerable<MustConformRule> rules)
    {
        Validator = validator;
        _rules = rules.Select(Compile).ToLookup(r => r.Type, r => (r.When, r.Profile));
    }

    /// <summary>Validation against base R4 only, with no rules: nothing is required on write.</summary>
    public static ConformanceGate None { get; } = new(new ProfileValidator(ConformanceSource.Empty), []);

    public ProfileValidator Validator { get; }

    /// <summary>The loaded profiles <paramref name="resource"/> must conform to; empty when it need not be validated.</summary>
    public IReadOnlyList<string> RequiredProfiles(Resource resource)
    {
        var claimed = resource.Meta?.Profile.OfType<string>().Where(Validator.IsLoaded) ?? [];
        var rules = _rules[resource.TypeName];
        if (!rules.Any())
        {
            return [.. claimed.Distinct(StringComparer.Ordinal)];
        }

        var focus = resource.ToPocoNode(ModelInfo.ModelInspector, resource.TypeName);
        var context = new FhirEvaluationContext { Resource = focus, RootResource = focus };
        var matched = rules.Where(r => r.When.IsBoolean(true, focus, context)).Select(r => r.Profile);
        return [.. claimed.Concat(matched).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>Validates against base R4, the profiles in meta.profile and <paramref name="profiles"/>.</summary>
    public OperationOutcome Validate(Resource resource, IReadOnlyList<string> profiles, Func<string, Resource?>? resolveReference)
    {
        var claimed = resource.Meta?.Profile.OfType<string>().ToHashSet(StringComparer.Ordinal) ?? [];
        var missing = profiles.Where(p => !claimed.Contains(p)).ToList();
        if (missing.Count == 0)
        {
            return Validator.Validate(resource, null, resolveReference);
        }

        // The validator reads the profiles to apply from meta.profile: claim the required ones on a copy.
        var copy = (Resource)resource.DeepCopy();
        copy.Meta ??= new Meta();
        copy.Meta.Profile = [.. copy.Meta.Profile, .. missing];
        return Validator.Validate(copy, null, resolveReference);
    }

    /// <summary>Whether an outcome has an issue of severity error or fatal.</summary>
    public static bool HasErrors(OperationOutcome outcome) =>
        outcome.Issue.Any(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal);

    /// <summary>Throws 422 with the outcome when <paramref name="resource"/> does not conform to its required profiles.</summary>
    public void EnsureConforms(Resource resource, IReadOnlyList<string> profiles, Func<string, Resource?>? resolveReference)
    {
        var outcome = Validate(resource, profiles, resolveReference);
        if (HasErrors(outcome))
        {
            throw new UnprocessableEntityException(outcome.Issue);
        }
    }

    private (string Type, CompiledExpression When, string Profile) Compile(MustConformRule rule)
    {
        if (!Validator.IsLoaded(rule.Profile))
        {
            throw new InvalidOperationException($"Must-conform rule for {rule.ResourceType}: profile {rule.Profile} is not loaded.");
        }

        try
        {
            return (rule.ResourceType, Compiler.Compile(rule.When), rule.Profile);
        }
        catch (FormatException e)
        {
            throw new InvalidOperationException($"Must-conform rule for {rule.ResourceType}: '{rule.When}' is not valid FHIRPath: {e.Message}", e);
        }
    }
}
