using System.Globalization;
using FhirBridge.Core.Fhir;
using Hl7.Fhir.Model;

namespace FhirBridge.Cli.Seed;

/// <summary>
/// The organisations of both sectors and the professionals (Practitioner + PractitionerRole) of a seeded population.
/// Ids start with <see cref="Prefix"/> (s + the seed), so populations of different seeds live side by side.
/// </summary>
public sealed class SeedDirectory
{
    public const string TerhikkiSystem = "urn:oid:1.2.246.537.26";
    public const string CareTeamRoleSystem = "https://fhirbridge.fi/fhir/CodeSystem/care-team-role";

    private readonly List<(string Id, string Name, string Oid)> _organizations = [];
    private readonly List<(string Id, string RoleId, string Family, string Given, string Role, string Organization)> _professionals = [];

    public SeedDirectory(int seed)
    {
        Prefix = "s" + seed.ToString(CultureInfo.InvariantCulture);
        County = Organization("county", "Testihämeen hyvinvointialue, sosiaali- ja terveyspalvelut", seed);
        Emergency = Organization("emer1", "Testihämeen keskussairaala, yhteispäivystys", seed);
        SecondEmergency = Organization("emer2", "Testihämeen aluesairaala, päivystys", seed);
        HealthCentre = Organization("hc", "Testikylän terveysasema", seed);
        SocialServices = Organization("social", "Aikuissosiaalityö, Testikylä", seed);
        Employment = Organization("employment", "Testihämeen työllisyyspalvelut", seed);
        Organization("ngo", "Testihämeen kriisikeskus ry", seed);
        string[] families = ["Aalto", "Hakala", "Kallio", "Lindholm", "Manninen", "Peltonen", "Rautio", "Sirola", "Toivonen", "Vainio", "West", "Ylönen"];
        string[] roles = ["social-worker", "nurse", "physician", "psychologist"];
        for (var i = 0; i < families.Length; i++)
        {
            var role = roles[i % roles.Length];
            var organization = role == "social-worker" ? SocialServices : role == "physician" ? Emergency : HealthCentre;
            _professionals.Add(($"{Prefix}-pr{i}", $"{Prefix}-role{i}", families[i], FinnishNames.Female[i], role, organization));
        }
    }

    /// <summary>"s" + the seed: the start of every id of the population.</summary>
    public string Prefix { get; }

    /// <summary>The wellbeing county's social and health services: manages the joint-client episodes.</summary>
    public string County { get; }

    /// <summary>The main emergency department (Organization id).</summary>
    public string Emergency { get; }

    public string SecondEmergency { get; }

    public string HealthCentre { get; }

    public string SocialServices { get; }

    /// <summary>The employment services: the recipient in the clients' disclosure consents.</summary>
    public string Employment { get; }

    /// <summary>The business-id OID of an organisation of this directory.</summary>
    public string OidOf(string organizationId) => _organizations.Single(o => o.Id == organizationId).Oid;

    /// <summary>PractitionerRole ids of the professionals with <paramref name="role"/> (a care-team-role code).</summary>
    public IReadOnlyList<string> RolesOf(string role) => [.. _professionals.Where(p => p.Role == role).Select(p => p.RoleId)];

    /// <summary>The directory as resources (organisations first, then practitioners, then their roles).</summary>
    public IEnumerable<Resource> Resources()
    {
        foreach (var (id, name, oid) in _organizations)
        {
            yield return new Organization { Id = id, Active = true, Name = name, Identifier = [new Identifier("urn:ietf:rfc:3986", Oids.UrnPrefix + oid)] };
        }

        foreach (var p in _professionals)
        {
            yield return new Practitioner
            {
                Id = p.Id,
                Active = true,
                Identifier = [new Identifier(TerhikkiSystem, TerhikkiNumber(p.Id))],
                Name = [new HumanName { Family = p.Family, Given = [p.Given] }],
            };
        }

        foreach (var p in _professionals)
        {
            yield return new PractitionerRole
            {
                Id = p.RoleId,
                Active = true,
                Practitioner = new ResourceReference($"Practitioner/{p.Id}"),
                Organization = new ResourceReference($"Organization/{p.Organization}"),
                Code = [new CodeableConcept(CareTeamRoleSystem, p.Role)],
            };
        }
    }

    /// <summary>The Terhikki number of a seeded practitioner: 9 + 8 digits, outside the numbers Valvira gives.</summary>
    public static string TerhikkiNumber(string practitionerId) =>
        "9" + (StableHash(practitionerId) % 100_000_000).ToString("D8", CultureInfo.InvariantCulture);

    /// <summary>A hash of <paramref name="text"/> that is the same in every process (string.GetHashCode is not).</summary>
    public static uint StableHash(string text) => text.Aggregate(17u, (h, c) => unchecked((h * 31) + c));

    private string Organization(string key, string name, int seed)
    {
        var id = $"{Prefix}-org-{key}";
        _organizations.Add((id, name, $"1.2.246.10.9{seed % 1000:D3}{_organizations.Count:D4}"));
        return id;
    }
}
