using System.Text.RegularExpressions;
using Hl7.Fhir.Model;

namespace FhirBridge.Core.Validation;

/// <summary>
/// Decides which slice an item belongs to from the slicing discriminators
/// (https://hl7.org/fhir/R4/profiling.html#discriminator): value/pattern, exists, type and profile on plain child paths.
/// </summary>
internal static partial class SliceMatcher
{
    public static bool IsSupported(ElementDefinition.DiscriminatorComponent discriminator) =>
        discriminator.Type is ElementDefinition.DiscriminatorType.Value or ElementDefinition.DiscriminatorType.Pattern
            or ElementDefinition.DiscriminatorType.Exists or ElementDefinition.DiscriminatorType.Type
            or ElementDefinition.DiscriminatorType.Profile
        && discriminator.Path is { } path && PlainPath().IsMatch(path);

    public static bool Matches(ElementNode slice, IEnumerable<ElementDefinition.DiscriminatorComponent> discriminators, Base item, ValidationRun run) =>
        discriminators.All(d => Matches(slice, d, item, run));

    private static bool Matches(ElementNode slice, ElementDefinition.DiscriminatorComponent discriminator, Base item, ValidationRun run)
    {
        var values = InstanceChildren.Select(item, discriminator.Path!).ToList();
        var definition = At(slice, discriminator.Path!);
        return discriminator.Type switch
        {
            ElementDefinition.DiscriminatorType.Exists => definition?.Min > 0 ? values.Count > 0
                : definition?.Max == "0" && values.Count == 0,
            ElementDefinition.DiscriminatorType.Type => definition?.Types is { Count: > 0 } types
                && values.Any(v => types.Any(t => TypeCheck.Accepts(t.Code, v))),
            ElementDefinition.DiscriminatorType.Profile => definition is not null && values.Any(v => ConformsToTypeProfile(definition, v, run)),
            _ => ExpectedValue(slice, definition, discriminator.Path!) is { } expected
                && values.Any(v => definition?.Fixed is not null ? PatternMatcher.IsExactly(v, expected) : PatternMatcher.Contains(v, expected)),
        };
    }

    // The profile discriminator: the value belongs to the slice when it validates without errors against a profile the
    // slice's type names; a profile that is not loaded matches nothing.
    private static bool ConformsToTypeProfile(ElementNode definition, Base value, ValidationRun run) =>
        definition.Types
            .Where(t => TypeCheck.Accepts(t.Code, value))
            .SelectMany(t => t.Profile).OfType<string>()
            .Select(run.Validator.Profile).OfType<CompiledProfile>()
            .Any(profile => !run.Attempt(profile, value, value.TypeName).HasErrors);

    // An extension slice is usually identified by its type's profile rather than a fixed url.
    private static Base? ExpectedValue(ElementNode slice, ElementNode? definition, string path) =>
        definition?.Fixed ?? definition?.Pattern
        ?? (path == "url" && slice.Types.SelectMany(t => t.Profile).FirstOrDefault() is { } url ? new FhirUri(url) : null);

    private static ElementNode? At(ElementNode slice, string path)
    {
        var node = slice;
        foreach (var step in path.Split('.').Where(s => s != "$this"))
        {
            if (!node.Children.TryGetValue(step, out var child))
            {
                return null;
            }

            node = child;
        }

        return node;
    }

    [GeneratedRegex(@"^(\$this|[a-zA-Z][A-Za-z0-9]*)(\.[a-zA-Z][A-Za-z0-9]*)*$", RegexOptions.CultureInvariant)]
    private static partial Regex PlainPath();
}
