using FhirBridge.Core.Errors;
using FhirBridge.Core.Security;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;
using static FhirBridge.Core.Tests.Operations.TestData;

namespace FhirBridge.Core.Tests.Security;

public sealed class GuardedQueryTests(PolicyFixture fixture) : IClassFixture<PolicyFixture>
{
    [Fact]
    public async Task Search_PagesAndTotal_CountOnlyVisiblePatients()
    {
        var world = await World.CreateAsync(fixture);
        await world.CreateAsync(world.Team(world.PatientId, world.PractitionerRole));
        var hidden = await world.NewPatientAsync();
        var visiblePlans = new List<string> { world.CarePlanId };
        for (var i = 0; i < 4; i++)
        {
            visiblePlans.Add(await world.CreateAsync(world.Plan(world.PatientId)));
        }

        for (var i = 0; i < 5; i++)
        {
            await world.CreateAsync(world.Plan(hidden));
        }

        var (service, trail) = fixture.As(world.Caller);
        var seen = new List<string>();
        string? pageToken = null;
        var pages = 0;
        do
        {
            List<KeyValuePair<string, string>> parameters = [.. ByKey(world.Key, P("_count", "2"), P("_total", "accurate"))];
            if (pageToken is not null)
            {
                parameters.Add(P("_page", pageToken));
            }

            var bundle = (await service.SearchAsync("CarePlan", parameters, PolicyFixture.Context, default)).Bundle;
            Assert.Equal(5, bundle.Total);
            seen.AddRange(bundle.Entry.Select(e => e.Resource!.Id!));
            pageToken = Link(bundle, "next") is { } next ? QueryValue(next, "_page") : null;
            pages++;
        }
        while (pageToken is not null);

        Assert.Equal(3, pages);
        Assert.Equal(visiblePlans.Order(), seen.Order());
        Assert.All(trail.Accesses, a => Assert.Equal(world.PatientId, a.PatientId));
        Assert.Equal(5, trail.Accesses.Count);
        Assert.Equal(10, (await fixture.Setup.SearchAsync("CarePlan", ByKey(world.Key, P("_total", "accurate")), PolicyFixture.Context, default)).Bundle.Total);
    }

    [Fact]
    public async Task Search_WithoutAnyVisiblePatient_IsEmptyWithZeroTotal()
    {
        var world = await World.CreateAsync(fixture);

        var (service, trail) = fixture.As(world.Caller);
        var bundle = (await service.SearchAsync("CarePlan", ByKey(world.Key, P("_total", "accurate")), PolicyFixture.Context, default)).Bundle;

        Assert.Empty(bundle.Entry);
        Assert.Equal(0, bundle.Total);
        Assert.Empty(trail.Accesses);
    }

    [Fact]
    public async Task Search_PatientsByConsent_ReturnsOnlyConsentedClients()
    {
        var world = await World.CreateAsync(fixture);
        var other = await world.NewPatientAsync();
        var denied = await world.NewPatientAsync();
        var consent = await world.CreateAsync(world.ConsentFor(world.PatientId, Consent.ConsentProvisionType.Permit, world.OrganizationByOid, ["plan"]));
        await world.CreateAsync(world.ConsentFor(denied, Consent.ConsentProvisionType.Permit, world.OrganizationByOid, []));
        await world.CreateAsync(world.ConsentFor(denied, Consent.ConsentProvisionType.Deny, world.OrganizationByOid, []));

        var (service, trail) = fixture.As(world.Caller);
        var bundle = (await service.SearchAsync("Patient", ByKey(world.Key), PolicyFixture.Context, default)).Bundle;

        Assert.Equal(world.PatientId, Assert.Single(bundle.Entry).Resource!.Id);
        Assert.Equal(new LegalBasis(LegalBasis.ConsentCode, $"Consent/{consent}"), Assert.Single(trail.Accesses).Basis);
        Assert.DoesNotContain(bundle.Entry, e => e.Resource!.Id == other || e.Resource.Id == denied);
    }

    [Fact]
    public async Task Search_ResponsibleWorker_SeesTheEpisodesClient()
    {
        var world = await World.CreateAsync(fixture);
        var episode = await world.CreateAsync(new EpisodeOfCare
        {
            Status = EpisodeOfCare.EpisodeOfCareStatus.Active,
            Patient = new ResourceReference("Patient/" + world.PatientId),
            CareManager = new ResourceReference(world.PractitionerRole),
        });
        var hidden = await world.NewPatientAsync();
        await world.CreateAsync(world.Plan(hidden));

        var (service, trail) = fixture.As(world.Caller with { Role = CallerRole.ResponsibleWorker });
        var bundle = (await service.SearchAsync("CarePlan", ByKey(world.Key), PolicyFixture.Context, default)).Bundle;

        Assert.Equal(world.CarePlanId, Assert.Single(bundle.Entry).Resource!.Id);
        Assert.Equal(new LegalBasis(LegalBasis.CareRelationshipCode, $"EpisodeOfCare/{episode}"), Assert.Single(trail.Accesses).Basis);
    }

    [Fact]
    public async Task Search_IncludeOfAHiddenClientsResource_IsDropped()
    {
        var world = await World.CreateAsync(fixture);
        var hidden = await world.NewPatientAsync();
        var hiddenTeam = await world.CreateAsync(world.Team(hidden, "PractitionerRole/someone-else"));
        var ownTeam = await world.CreateAsync(world.Team(world.PatientId, world.PractitionerRole));
        var plan = world.Plan(world.PatientId);
        plan.CareTeam = [new ResourceReference("CareTeam/" + hiddenTeam), new ResourceReference("CareTeam/" + ownTeam)];
        var planId = await world.CreateAsync(plan);
        List<KeyValuePair<string, string>> parameters = [P("_id", planId), P("_include", "CarePlan:care-team")];
        var unguarded = (await fixture.Setup.SearchAsync("CarePlan", parameters, PolicyFixture.Context, default)).Bundle;

        var (service, _) = fixture.As(world.Caller);
        var bundle = (await service.SearchAsync("CarePlan", parameters, PolicyFixture.Context, default)).Bundle;

        Assert.Contains(unguarded.Entry, e => e.Resource!.Id == hiddenTeam);
        Assert.DoesNotContain(bundle.Entry, e => e.Resource!.Id == hiddenTeam);
        Assert.Contains(bundle.Entry, e => e.Resource!.Id == planId);
        Assert.Contains(bundle.Entry, e => e.Resource!.Id == ownTeam);
    }

    [Fact]
    public async Task TypeHistory_HidesOtherClientsVersions_AndHasNoTotal()
    {
        var since = DateTimeOffset.UtcNow.AddSeconds(-1).ToString("o");
        var world = await World.CreateAsync(fixture);
        await world.CreateAsync(world.Team(world.PatientId, world.PractitionerRole));
        var hidden = await world.NewPatientAsync();
        var hiddenPlan = await world.CreateAsync(world.Plan(hidden));
        await fixture.Setup.DeleteAsync("CarePlan", hiddenPlan, default);

        var (service, _) = fixture.As(world.Caller);
        var bundle = await service.HistoryAsync("CarePlan", null, [P("_since", since), P("_count", "50")], PolicyFixture.Context, default);
        var unguarded = await fixture.Setup.HistoryAsync("CarePlan", null, [P("_since", since), P("_count", "50")], PolicyFixture.Context, default);

        Assert.Null(bundle.Total);
        Assert.Contains(bundle.Entry, e => e.Resource?.Id == world.CarePlanId);
        Assert.DoesNotContain(bundle.Entry, e => e.FullUrl!.Contains(hiddenPlan, StringComparison.Ordinal));
        Assert.Equal(2, unguarded.Entry.Count(e => e.FullUrl!.Contains(hiddenPlan, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task SystemHistory_ForSystemIntegration_KeepsTheTotal()
    {
        await World.CreateAsync(fixture);

        var (service, _) = fixture.As(PolicyFixture.WithRole(CallerRole.SystemIntegration, "system/*.cruds"));
        var bundle = await service.HistoryAsync("CarePlan", null, [P("_count", "50")], PolicyFixture.Context, default);

        Assert.NotNull(bundle.Total);
        Assert.NotEqual(0, bundle.Total);
    }

    [Fact]
    public async Task CreatingACareTeamNamingOneself_EstablishesTheBasis()
    {
        var world = await World.CreateAsync(fixture);
        var patient = await world.NewPatientAsync();

        var (service, trail) = fixture.As(world.Caller);
        var created = await service.CreateAsync("CareTeam", world.Team(patient, world.PractitionerRole), null, default);

        var access = Assert.Single(trail.Accesses);
        Assert.Equal(DataAccessKind.Create, access.Kind);
        Assert.Equal(new LegalBasis(LegalBasis.CareRelationshipCode, $"CareTeam/{created.Stored.Id}"), access.Basis);
        var plan = await service.CreateAsync("CarePlan", world.Plan(patient), null, default);
        Assert.Equal(DataAccessKind.Create, trail.Accesses[^1].Kind);
        Assert.Equal(plan.Stored.Id, trail.Accesses[^1].Id);
    }

    [Fact]
    public async Task CreatingACarePlanWithoutBasis_IsForbiddenAndStoresNothing()
    {
        var world = await World.CreateAsync(fixture);
        var patient = await world.NewPatientAsync();

        var (service, trail) = fixture.As(world.Caller);

        await Assert.ThrowsAsync<ForbiddenException>(() => service.CreateAsync("CarePlan", world.Plan(patient), null, default));
        Assert.Empty(trail.Accesses);
        Assert.Equal(patient, Assert.Single(trail.Denied).PatientId);
        var stored = await fixture.Setup.SearchAsync("CarePlan", ByKey(world.Key), PolicyFixture.Context, default);
        Assert.Equal([world.CarePlanId], stored.Bundle.Entry.Select(e => e.Resource!.Id));
    }

    [Fact]
    public async Task UpdatingAnotherClientsPlanToOwnClient_IsForbidden()
    {
        var world = await World.CreateAsync(fixture);
        await world.CreateAsync(world.Team(world.PatientId, world.PractitionerRole));
        var hidden = await world.NewPatientAsync();
        var hiddenPlan = await world.CreateAsync(world.Plan(hidden));
        var moved = world.Plan(world.PatientId);
        moved.Id = hiddenPlan;

        var (service, _) = fixture.As(world.Caller);

        await Assert.ThrowsAsync<ForbiddenException>(() => service.UpdateAsync("CarePlan", hiddenPlan, moved, null, default));
        var current = await fixture.Setup.ReadAsync("CarePlan", hiddenPlan, null, default);
        Assert.Equal(1, current.Stored.Version);
    }

    [Fact]
    public async Task CreatingAPatient_HasClientRelationshipBasis()
    {
        var world = await World.CreateAsync(fixture);

        var (service, trail) = fixture.As(world.Caller);
        var created = await service.CreateAsync("Patient", Patient(world.Key), null, default);

        Assert.Equal(
            new DataAccess("Patient", created.Stored.Id, 1, created.Stored.Id, new LegalBasis(LegalBasis.ClientRelationshipCode), DataAccessKind.Create),
            Assert.Single(trail.Accesses));
    }

    [Fact]
    public async Task DeletingOnesOwnCareTeam_IsRecordedWithTheBasisItHad()
    {
        var world = await World.CreateAsync(fixture);
        var team = await world.CreateAsync(world.Team(world.PatientId, world.PractitionerRole));

        var (service, trail) = fixture.As(world.Caller);
        await service.DeleteAsync("CareTeam", team, default);

        var delete = trail.Accesses[^1];
        Assert.Equal(new DataAccess("CareTeam", team, 2, world.PatientId, new LegalBasis(LegalBasis.CareRelationshipCode, $"CareTeam/{team}"), DataAccessKind.Delete), delete);
    }

    [Fact]
    public async Task FailedWrite_DiscardsWhatItReleased_ButKeepsRefusals()
    {
        var world = await World.CreateAsync(fixture);
        var (store, trail) = fixture.GuardedStore(world.Caller);

        await Assert.ThrowsAsync<ForbiddenException>(() => store.WriteAsync<int>(
            async (session, token) =>
            {
                await session.GetAsync("Organization", world.OrganizationId, null, token);
                await session.GetAsync("CarePlan", world.CarePlanId, null, token);
                return 0;
            },
            default));

        Assert.Empty(trail.Accesses);
        Assert.Equal(world.CarePlanId, Assert.Single(trail.Denied).Id);
    }

    [Fact]
    public async Task WriteCommitHook_GetsTheAttemptsAccesses()
    {
        var world = await World.CreateAsync(fixture);
        var (service, trail) = fixture.As(PolicyFixture.WithRole(CallerRole.SystemIntegration, "system/*.cruds"));
        var seen = new List<DataAccess>();
        trail.OnWriteCommit = items =>
        {
            seen.AddRange(items);
            return [];
        };

        var created = await service.CreateAsync("CarePlan", world.Plan(world.PatientId), null, default);

        Assert.Equal(new DataAccess("CarePlan", created.Stored.Id, 1, world.PatientId, new LegalBasis(LegalBasis.StatutoryTaskCode), DataAccessKind.Create), Assert.Single(seen));
    }
}
