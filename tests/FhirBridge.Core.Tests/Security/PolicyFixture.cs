using FhirBridge.Core.Operations;
using FhirBridge.Core.Search;
using FhirBridge.Core.Security;
using FhirBridge.Storage;
using Hl7.Fhir.Model;
using Microsoft.Data.Sqlite;
using static FhirBridge.Core.Tests.Operations.TestData;

namespace FhirBridge.Core.Tests.Security;

/// <summary>A real SQLite store, an unguarded service to set up data, and guarded services for callers.</summary>
public sealed class PolicyFixture : IAsyncLifetime
{
    public const string TerhikkiSystem = "urn:oid:1.2.246.537.26";

    private readonly string _path = Path.Combine(Path.GetTempPath(), $"fhirbridge-policy-{Guid.NewGuid():N}.db");
    private readonly SearchParameterRegistry _registry = new();
    private SqlResourceStore? _store;

    public static RequestContext Context { get; } = new(new Uri("http://localhost:8080/fhir"), StrictHandling: true);

    /// <summary>Unguarded: sets up the data the tests then access as a caller.</summary>
    public ResourceService Setup { get; private set; } = null!;

    public SearchQueryParser Parser { get; private set; } = null!;

    public async System.Threading.Tasks.Task InitializeAsync()
    {
        _store = await ResourceStoreFactory.CreateAsync(new StorageOptions(StorageOptions.Sqlite, _path));
        Parser = new SearchQueryParser(_registry);
        Setup = Service(_store);
    }

    /// <summary>A service for one request of <paramref name="caller"/>, and the trail of what it releases.</summary>
    public (ResourceService Service, AccessTrail Trail) As(Caller caller, AccessPolicyOptions? options = null)
    {
        var (store, trail) = GuardedStore(caller, options);
        return (Service(store), trail);
    }

    public (GuardedStore Store, AccessTrail Trail) GuardedStore(Caller caller, AccessPolicyOptions? options = null)
    {
        var trail = new AccessTrail(caller);
        return (new GuardedStore(_store!, new AccessPolicy(Parser, options), trail), trail);
    }

    public async System.Threading.Tasks.Task DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" })
        {
            File.Delete(file);
        }
    }

    public static Caller Professional(string user, string organization, string? breakGlassReason = null, string scope = "user/*.cruds") =>
        new("sub-" + user, $"{TerhikkiSystem}|{user}", organization, CallerRole.Professional, ScopeSet.Parse(scope), "test-app", null, breakGlassReason, "request-1", null);

    public static Caller WithRole(CallerRole role, string scope = "user/*.cruds") =>
        new("sub", role == CallerRole.SystemIntegration ? null : $"{TerhikkiSystem}|10009999", "1.2.246.10.99999999", role, ScopeSet.Parse(scope), "test-app", null, null, "request-1", null);

    private ResourceService Service(Core.Storage.IResourceStore store) =>
        new(store, new IndexExtractor(_registry), Parser, TimeProvider.System, new PageSizes(Default: 10, Max: 50));
}

/// <summary>
/// One test's people: an organisation, a professional of it (Practitioner + PractitionerRole), a client with a CarePlan,
/// all with identifiers unique to the test.
/// </summary>
internal sealed class World
{
    private World(PolicyFixture fixture, string key) => (Fixture, Key) = (fixture, key);

    public PolicyFixture Fixture { get; }

    public string Key { get; }

    public string User { get; private set; } = "";

    public string Oid { get; private set; } = "";

    public string OrganizationId { get; private set; } = "";

    public string PractitionerRole { get; private set; } = "";

    public string PatientId { get; private set; } = "";

    public string CarePlanId { get; private set; } = "";

    public Caller Caller => PolicyFixture.Professional(User, Oid);

    public static async Task<World> CreateAsync(PolicyFixture fixture)
    {
        var world = new World(fixture, NewKey());
        var digits = Random.Shared.NextInt64(10_000_000, 99_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        world.User = "1" + digits;
        world.Oid = "1.2.246.10." + digits;
        world.OrganizationId = await world.CreateAsync(new Organization { Identifier = [new Identifier { System = "urn:oid:" + world.Oid }], Name = "Org" });
        var practitioner = await world.CreateAsync(new Practitioner { Identifier = [new Identifier(PolicyFixture.TerhikkiSystem, world.User)] });
        world.PractitionerRole = "PractitionerRole/" + await world.CreateAsync(new PractitionerRole { Practitioner = new ResourceReference("Practitioner/" + practitioner) });
        world.PatientId = await world.NewPatientAsync();
        world.CarePlanId = await world.CreateAsync(world.Plan(world.PatientId));
        return world;
    }

    public Task<string> NewPatientAsync() => CreateAsync(Patient(Key));

    public async Task<string> CreateAsync(Resource resource) =>
        (await Fixture.Setup.CreateAsync(resource.TypeName, resource, null, default)).Stored.Id;

    public CarePlan Plan(string patientId) => new()
    {
        Identifier = [new Identifier(TestSystem, Key)],
        Status = RequestStatus.Active,
        Intent = Hl7.Fhir.Model.CarePlan.CarePlanIntent.Plan,
        Subject = new ResourceReference("Patient/" + patientId),
    };

    public CareTeam Team(string patientId, string member, CareTeam.CareTeamStatus status = CareTeam.CareTeamStatus.Active, Period? period = null) => new()
    {
        Identifier = [new Identifier(TestSystem, Key)],
        Status = status,
        Subject = new ResourceReference("Patient/" + patientId),
        Participant = [new CareTeam.ParticipantComponent { Member = new ResourceReference(member), Period = period }],
    };

    public Consent ConsentFor(string patientId, Consent.ConsentProvisionType type, ResourceReference actor, string[] classes, Period? period = null) => new()
    {
        Status = Consent.ConsentState.Active,
        Scope = new CodeableConcept("http://terminology.hl7.org/CodeSystem/consentscope", "patient-privacy"),
        Category = [new CodeableConcept("http://loinc.org", "59284-0")],
        Patient = new ResourceReference("Patient/" + patientId),
        Provision = new Consent.provisionComponent
        {
            Type = type,
            Period = period,
            Actor = [new Consent.provisionActorComponent { Role = new CodeableConcept("http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "IRCP"), Reference = actor }],
            Class = classes.Select(c => new Coding(PatientCompartment.DataClassSystem, c)).ToList(),
        },
    };

    /// <summary>A reference to the organisation by its OID only (as the DisclosureConsent examples do).</summary>
    public ResourceReference OrganizationByOid => new() { Identifier = new Identifier { System = "urn:oid:" + Oid } };
}
