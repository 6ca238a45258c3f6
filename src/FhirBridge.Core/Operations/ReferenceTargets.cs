using FhirBridge.Core.Search;
using FhirBridge.Core.Storage;
using Hl7.Fhir.Model;

namespace FhirBridge.Core.Operations;

/// <summary>
/// Reads the stored targets of a resource's relative references (<c>Type/id</c>) up front, so the synchronous
/// validator can check target profiles.
/// </summary>
internal static class ReferenceTargets
{
    public static async Task<Func<string, Resource?>> LoadAsync(IStoreSession session, Resource resource, CancellationToken cancellationToken)
    {
        var targets = new Dictionary<string, Resource>(StringComparer.Ordinal);
        foreach (var reference in References.In(resource).Select(r => r.Reference).OfType<string>().Distinct(StringComparer.Ordinal))
        {
            // Current versions only: a version-specific reference (Type/id/_history/n) is not looked up.
            if (reference.Contains("/_history/", StringComparison.Ordinal)
                || !ReferenceText.TryParseRelative(reference, out var type, out var id)
                || !Fhir.ServedTypes.IsServed(type))
            {
                continue;
            }

            var stored = await session.GetAsync(type, id, null, cancellationToken);
            if (stored is { Deleted: false })
            {
                targets[reference] = ResourceOperations.Parse(stored);
            }
        }

        return reference => targets.GetValueOrDefault(reference);
    }
}
