using Hl7.Fhir.Model;

namespace FhirBridge.Fakes;

/// <summary>The few searches a fake answers: by business identifier, by id and the statutory plans by the client's identifier.</summary>
internal static class FakeSearch
{
    private static readonly string[] ClientParameters = ["patient.identifier", "patient:identifier", "subject.identifier", "subject:identifier"];
    private static readonly string[] IgnoredParameters = ["_count", "_offset", "_format"];

    /// <summary>A predicate for the query, or the problem when it holds a parameter the fake does not support.</summary>
    public static (Func<Resource, bool>? Match, string? Problem) Parse(string resourceType, IQueryCollection query)
    {
        var tests = new List<Func<Resource, bool>>();
        foreach (var (name, values) in query)
        {
            foreach (var value in values.OfType<string>())
            {
                if (name == "identifier")
                {
                    tests.Add(r => Identifiers(r).Any(i => Matches(i, value)));
                }
                else if (name == "_id")
                {
                    tests.Add(r => value.Split(',').Contains(r.Id));
                }
                else if (resourceType == "DocumentReference" && ClientParameters.Contains(name))
                {
                    // The fakes hold no Patient resources: the client is a logical reference by identifier.
                    tests.Add(r => r is DocumentReference { Subject.Identifier: { } client } && Matches(client, value));
                }
                else if (!IgnoredParameters.Contains(name))
                {
                    return (null, $"The fake does not support the search parameter '{name}' on {resourceType}.");
                }
            }
        }

        return (r => tests.TrueForAll(t => t(r)), null);
    }

    /// <summary>The resource's <c>identifier</c> element(s).</summary>
    public static IEnumerable<Identifier> Identifiers(Resource resource) =>
        resource.EnumerateElements()
            .Where(e => e.Key == "identifier")
            .SelectMany(e => e.Value switch
            {
                Identifier one => [one],
                IEnumerable<Identifier> many => many,
                _ => [],
            });

    /// <summary>Token matching (https://hl7.org/fhir/R4/search.html#token): <c>system|value</c>, <c>|value</c> or <c>value</c>; values are OR-ed by commas.</summary>
    public static bool Matches(Identifier identifier, string token) =>
        token.Split(',').Any(one =>
        {
            var bar = one.IndexOf('|', StringComparison.Ordinal);
            var value = bar < 0 ? one : one[(bar + 1)..];
            var systemMatches = bar < 0 || identifier.System == (bar == 0 ? null : one[..bar]);
            return systemMatches && identifier.Value == value;
        });
}
