using System.Collections.Concurrent;
using FhirBridge.Core.Errors;
using Hl7.Fhir.Model;
using static Hl7.Fhir.Model.OperationOutcome;

namespace FhirBridge.Core.Validation;

/// <summary>
/// Validates resources against base R4 and against the profiles of a <see cref="ConformanceSource"/>; thread-safe,
/// compiling each profile and value set once.
/// </summary>
public sealed class ProfileValidator(ConformanceSource source)
{
    private readonly ConcurrentDictionary<string, Lazy<CompiledProfile?>> _profiles = new(StringComparer.Ordinal);

    public ConformanceSource Source { get; } = source;

    internal ValueSetExpander Terminology { get; } = new(source);

    /// <summary>Whether a StructureDefinition with this canonical URL (optionally <c>|version</c>) is loaded.</summary>
    public bool IsLoaded(string profileUrl) => Source.FindStructureDefinition(profileUrl) is not null;

    /// <summary>
    /// Validates against base R4 and every profile in meta.profile, or only against <paramref name="profileUrl"/> when given.
    /// The outcome always has at least one issue; the resource is valid when none has severity error or fatal.
    /// </summary>
    public OperationOutcome Validate(Resource resource, string? profileUrl = null) => Validate(resource, profileUrl, null);

    /// <param name="resource">The resource to validate.</param>
    /// <param name="profileUrl">Validate against this profile instead of the ones in meta.profile.</param>
    /// <param name="resolveReference">
    /// Finds the target of a reference as written (<c>Patient/1</c>, <c>urn:uuid:...</c>, absolute URL) in the same
    /// Bundle or the store, so target profiles can be checked; contained targets are found without it.
    /// </param>
    public OperationOutcome Validate(Resource resource, string? profileUrl, Func<string, Resource?>? resolveReference)
    {
        var run = new ValidationRun(this, resource, resolveReference, depth: 0);
        BaseRules.Check(run);
        if (profileUrl is not null)
        {
            ApplyProfile(profileUrl, requested: true, run);
        }
        else
        {
            foreach (var claimed in resource.Meta?.Profile.OfType<string>().Distinct(StringComparer.Ordinal) ?? [])
            {
                ApplyProfile(claimed, requested: false, run);
            }
        }

        return ToOutcome(run.Issues, resource.TypeName);
    }

    internal CompiledProfile? Profile(string url) =>
        _profiles.GetOrAdd(url, u => new Lazy<CompiledProfile?>(() =>
            Source.FindStructureDefinition(u) is { } definition ? ProfileCompiler.Compile(definition, Source) : null)).Value;

    /// <summary>The first error of a reference target against a profile (base rules excluded), or null when it conforms.</summary>
    internal IssueComponent? FirstError(Resource target, string profileUrl, ValidationRun referrer)
    {
        var run = new ValidationRun(this, target, referrer.Resolver, referrer.Depth + 1);
        ApplyProfile(profileUrl, requested: true, run);
        return run.Issues.FirstOrDefault(i => i.Severity is IssueSeverity.Error or IssueSeverity.Fatal);
    }

    private void ApplyProfile(string url, bool requested, ValidationRun run)
    {
        var root = run.Root.TypeName;
        if (Profile(url) is not { } profile)
        {
            // Asked for explicitly, an unknown profile means the question cannot be answered; claimed, it is only noted.
            run.Add(requested ? IssueSeverity.Error : IssueSeverity.Warning, IssueType.NotFound, root,
                $"profile {url} is not loaded: the resource was validated against base R4 {(requested ? "only" : "and its other profiles only")}.");
            return;
        }

        if (profile.Type != root)
        {
            run.Error(IssueType.Invalid, root, $"profile {url} constrains {profile.Type}, not {root}.");
            return;
        }

        foreach (var problem in profile.Problems)
        {
            run.Warning(IssueType.NotFound, root, $"profile {url}: {problem}.");
        }

        ElementWalker.ValidateItem(profile.Root, run.Root, root, run);
    }

    // OperationOutcome.issue is 1..*: a clean result says so explicitly, located at the resource like every other issue.
    private static OperationOutcome ToOutcome(List<IssueComponent> issues, string root) => new()
    {
        Issue = issues.Count > 0
            ? issues
            : [FhirException.Issue(IssueSeverity.Information, IssueType.Informational, "Validation found no issues.", root)],
    };
}
