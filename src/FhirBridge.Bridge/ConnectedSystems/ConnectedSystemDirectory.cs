using FhirBridge.Core.Fhir;
using FhirBridge.Core.Search;
using FhirBridge.Core.Storage;
using Hl7.Fhir.Model;

namespace FhirBridge.Bridge.ConnectedSystems;

/// <summary>The connected systems registered in the store: every active FHIR REST Endpoint and its Organization.</summary>
public sealed class ConnectedSystemDirectory(ISearchQueryParser parser)
{
    private const int PageSize = 100;

    /// <summary>
    /// The usable connected systems seen through <paramref name="session"/>, and the Endpoints that are registered but
    /// unusable with why (e.g. "Endpoint/x: Endpoint.managingOrganization: … has no OID identifier").
    /// </summary>
    public async Task<ConnectedSystems> LoadAsync(IStoreSession session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        var parameters = new List<KeyValuePair<string, string>>
        {
            new("status", "active"),
            new("connection-type", $"{ConnectedSystemReader.ConnectionTypeSystem}|{ConnectedSystemReader.FhirRestCode}"),
            new("_include", "Endpoint:organization"),
            new("_sort", "_id"),
        };
        var query = parser.Parse("Endpoint", parameters, strict: true, baseUrl: null).Query with { Count = PageSize };
        var endpoints = new List<Endpoint>();
        var organizations = new Dictionary<string, Organization>(StringComparer.Ordinal);
        while (true)
        {
            var page = await session.SearchAsync(query, cancellationToken);
            endpoints.AddRange(page.Matches.Where(m => m.Json is not null).Select(m => (Endpoint)FhirSerializer.ParseJson(m.Json!)));
            foreach (var included in page.Included.Where(i => i is { Type: "Organization", Json: not null }))
            {
                organizations[included.Id] = (Organization)FhirSerializer.ParseJson(included.Json!);
            }

            if (page.NextPageToken is null)
            {
                break;
            }

            query = query with { PageToken = page.NextPageToken };
        }

        var systems = new List<ConnectedSystem>();
        var unusable = new List<string>();
        foreach (var endpoint in endpoints)
        {
            var organization = OrganizationOf(endpoint, organizations);
            var problems = new List<string>();
            if (ConnectedSystemReader.Read(endpoint, organization, problems) is { } system)
            {
                systems.Add(system);
            }
            else
            {
                unusable.AddRange(problems.Select(p => $"Endpoint/{endpoint.Id}: {p}"));
            }
        }

        return new ConnectedSystems(systems, unusable);
    }

    private static Organization? OrganizationOf(Endpoint endpoint, Dictionary<string, Organization> organizations) =>
        endpoint.ManagingOrganization?.Reference is { } reference
        && ReferenceText.TryParseRelative(reference, out var type, out var id)
        && type == "Organization"
        && organizations.TryGetValue(id, out var organization)
            ? organization
            : null;
}

/// <summary>What <see cref="ConnectedSystemDirectory.LoadAsync"/> found.</summary>
/// <param name="Systems">The usable systems, by Endpoint id.</param>
/// <param name="Unusable">One line per problem of a registered but unusable Endpoint.</param>
public sealed record ConnectedSystems(IReadOnlyList<ConnectedSystem> Systems, IReadOnlyList<string> Unusable);
