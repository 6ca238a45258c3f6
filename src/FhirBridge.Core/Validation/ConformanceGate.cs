using FhirBridge.Core.Errors;
using FhirBridge.Core.Fhir;
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

    private readonly ILookup<string, CompiledRule> _rules;

    /// <param name="validator">The validator, over the conformance resources the server loaded.</param>
    /// <param name="rules">The must-conform rules; each profile must be loaded and each condition valid FHIRPath.</param>
    public ConformanceGate(ProfileValidator validator, IEnumerable<MustConformRule> rules)
    {
        Validator = validator;
        _rules = rules.Select(Compile).ToLookup(r => r.Type);
    }

    /// <summary>Validation against base R4 only, with no rules: nothing is required on write.</summary>
    public static ConformanceGate None { get; } = new(new ProfileValidator(ConformanceSource.Empty), []);

    public ProfileValidator Validator { get; }

    /// <summary>The loaded profiles <paramref name="resource"/> must conform to; empty when it need not be validated.</summary>
    /// <param name="linkExists">
    /// Whether a current resource matches a search, evaluated in the caller's store session; rules with
    /// <see cref="MustConformRule.LinkedFrom"/> do not apply without it or when the resource has no id.
    /// </param>
    public async Task<IReadOnlyList<string>> RequiredProfilesAsync(Resource resource, LinkSearch? linkExists, CancellationToken cancellationToken)
    {
        var profiles = new List<string>(resource.Meta?.Profile.OfType<string>().Where(Validator.IsLoaded) ?? []);
        var rules = _rules[resource.TypeName];
        if (rules.Any())
        {
            var focus = resource.ToPocoNode(ModelInfo.ModelInspector, resource.TypeName);
            var context = new FhirEvaluationContext { Resource = focus, RootResource = focus };
            foreach (var rule in rules.Where(r => !profiles.Contains(r.Profile) && r.When.IsBoolean(true, focus, context)))
            {
                if (rule.Link is not { } link || await IsLinkedAsync(resource, link, linkExists, cancellationToken))
                {
                    profiles.Add(rule.Profile);
                }
            }
        }

        return [.. profiles.Distinct(StringComparer.Ordinal)];
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

    private static async Task<bool> IsLinkedAsync(Resource resource, RuleLink link, LinkSearch? linkExists, CancellationToken cancellationToken) =>
        linkExists is not null && !string.IsNullOrEmpty(resource.Id)
        && await linkExists(link.Type, link.Query.Replace(MustConformRule.LinkedReference, $"{resource.TypeName}/{resource.Id}", StringComparison.Ordinal), cancellationToken);

    private CompiledRule Compile(MustConformRule rule)
    {
        if (!Validator.IsLoaded(rule.Profile))
        {
            throw new InvalidOperationException($"Must-conform rule for {rule.ResourceType}: profile {rule.Profile} is not loaded.");
        }

        try
        {
            return new CompiledRule(rule.ResourceType, Compiler.Compile(rule.When), rule.Profile, rule.LinkedFrom is null ? null : ParseLink(rule));
        }
        catch (FormatException e)
        {
            throw new InvalidOperationException($"Must-conform rule for {rule.ResourceType}: '{rule.When}' is not valid FHIRPath: {e.Message}", e);
        }
    }

    private static RuleLink ParseLink(MustConformRule rule)
    {
        var parts = rule.LinkedFrom!.Split('?', 2);
        if (parts.Length != 2 || !ServedTypes.IsServed(parts[0]) || !parts[1].Contains(MustConformRule.LinkedReference, StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"Must-conform rule for {rule.ResourceType}: LinkedFrom '{rule.LinkedFrom}' is not a search 'Type?query' on a served type using {MustConformRule.LinkedReference}.");
        }

        return new RuleLink(parts[0], parts[1]);
    }

    private sealed record CompiledRule(string Type, CompiledExpression When, string Profile, RuleLink? Link);

    private sealed record RuleLink(string Type, string Query);
}

/// <summary>Whether a current <paramref name="type"/> resource matches the search <paramref name="query"/>.</summary>
public delegate Task<bool> LinkSearch(string type, string query, CancellationToken cancellationToken);
