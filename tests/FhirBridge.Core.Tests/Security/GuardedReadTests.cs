using FhirBridge.Core.Errors;
using FhirBridge.Core.Security;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;

namespace FhirBridge.Core.Tests.Security;

public sealed class GuardedReadTests(PolicyFixture fixture) : IClassFixture<PolicyFixture>
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    [Fact]
    public async Task CareTeamMember_ReadsCarePlan_WithCareRelationshipBasis()
    {
        var world = await World.CreateAsync(fixture);
        var team = await world.CreateAsync(world.Team(world.PatientId, world.PractitionerRole));

        var (service, trail) = fixture.As(world.Caller);
        var result = await service.ReadAsync("CarePlan", world.CarePlanId, null, default);

        Assert.Equal(world.CarePlanId, result.Resource!.Id);
        var access = Assert.Single(trail.Accesses);
        Assert.Equal(new DataAccess("CarePlan", world.CarePlanId, 1, world.PatientId, new LegalBasis(LegalBasis.CareRelationshipCode, $"CareTeam/{team}"), DataAccessKind.Read), access);
        Assert.Empty(trail.Denied);
    }

    [Fact]
    public async Task NonMember_Read_IsForbiddenAndTheDenialIsInTheTrail()
    {
        var world = await World.CreateAsync(fixture);
        await world.CreateAsync(world.Team(world.PatientId, "PractitionerRole/someone-else"));

        var (service, trail) = fixture.As(world.Caller);
        var error = await Assert.ThrowsAsync<ForbiddenException>(() => service.ReadAsync("CarePlan", world.CarePlanId, null, default));

        Assert.Contains($"No lawful basis to access Patient/{world.PatientId}'s data", error.Message);
        Assert.Empty(trail.Accesses);
        Assert.Equal(new DeniedAccess("CarePlan", world.CarePlanId, world.PatientId, DataAccessKind.Read), Assert.Single(trail.Denied));
    }

    [Fact]
    public async Task InactiveCareTeam_GivesNoBasis()
    {
        var world = await World.CreateAsync(fixture);
        await world.CreateAsync(world.Team(world.PatientId, world.PractitionerRole, CareTeam.CareTeamStatus.Inactive));

        await AssertForbiddenAsync(world);
    }

    [Fact]
    public async Task ExpiredParticipation_GivesNoBasis()
    {
        var world = await World.CreateAsync(fixture);
        var period = new Period { Start = Now.AddYears(-2).ToString("yyyy-MM-dd"), End = Now.AddDays(-2).ToString("yyyy-MM-dd") };
        await world.CreateAsync(world.Team(world.PatientId, world.PractitionerRole, period: period));

        await AssertForbiddenAsync(world);
    }

    [Fact]
    public async Task CurrentParticipation_GivesBasis()
    {
        var world = await World.CreateAsync(fixture);
        var period = new Period { Start = Now.AddYears(-2).ToString("yyyy-MM-dd"), End = Now.AddDays(2).ToString("yyyy-MM-dd") };
        await world.CreateAsync(world.Team(world.PatientId, world.PractitionerRole, period: period));

        Assert.Equal(LegalBasis.CareRelationshipCode, (await ReadBasisAsync(world)).Code);
    }

    [Fact]
    public async Task ResponsibleWorkerOfActiveEpisode_Reads()
    {
        var world = await World.CreateAsync(fixture);
        var episode = await world.CreateAsync(Episode(world, EpisodeOfCare.EpisodeOfCareStatus.Active));
        await world.CreateAsync(Episode(world, EpisodeOfCare.EpisodeOfCareStatus.Finished));

        Assert.Equal(new LegalBasis(LegalBasis.CareRelationshipCode, $"EpisodeOfCare/{episode}"), await ReadBasisAsync(world));
    }

    [Fact]
    public async Task FinishedEpisode_GivesNoBasis()
    {
        var world = await World.CreateAsync(fixture);
        await world.CreateAsync(Episode(world, EpisodeOfCare.EpisodeOfCareStatus.Finished));

        await AssertForbiddenAsync(world);
    }

    [Fact]
    public async Task ConsentNamingTheOrganisationByOid_CoveringTheClass_GivesConsentBasis()
    {
        var world = await World.CreateAsync(fixture);
        var consent = await world.CreateAsync(world.ConsentFor(world.PatientId, Consent.ConsentProvisionType.Permit, world.OrganizationByOid, ["plan", "care-team"]));

        Assert.Equal(new LegalBasis(LegalBasis.ConsentCode, $"Consent/{consent}"), await ReadBasisAsync(world));
    }

    [Fact]
    public async Task ConsentNamingTheOrganisationResource_WithoutClasses_GivesConsentBasis()
    {
        var world = await World.CreateAsync(fixture);
        var actor = new ResourceReference("Organization/" + world.OrganizationId);
        var consent = await world.CreateAsync(world.ConsentFor(world.PatientId, Consent.ConsentProvisionType.Permit, actor, []));

        Assert.Equal(new LegalBasis(LegalBasis.ConsentCode, $"Consent/{consent}"), await ReadBasisAsync(world));
    }

    [Fact]
    public async Task ConsentNotCoveringTheClass_GivesNoBasis()
    {
        var world = await World.CreateAsync(fixture);
        await world.CreateAsync(world.ConsentFor(world.PatientId, Consent.ConsentProvisionType.Permit, world.OrganizationByOid, ["documents"]));

        await AssertForbiddenAsync(world);
    }

    [Fact]
    public async Task ConsentForAnotherOrganisation_GivesNoBasis()
    {
        var world = await World.CreateAsync(fixture);
        var other = new ResourceReference { Identifier = new Identifier { System = "urn:oid:1.2.246.10.11111111" } };
        await world.CreateAsync(world.ConsentFor(world.PatientId, Consent.ConsentProvisionType.Permit, other, ["plan"]));

        await AssertForbiddenAsync(world);
    }

    [Fact]
    public async Task ExpiredConsent_GivesNoBasis()
    {
        var world = await World.CreateAsync(fixture);
        var period = new Period { Start = "2020-01-01", End = Now.AddDays(-1).ToString("yyyy-MM-dd") };
        await world.CreateAsync(world.ConsentFor(world.PatientId, Consent.ConsentProvisionType.Permit, world.OrganizationByOid, ["plan"], period));

        await AssertForbiddenAsync(world);
    }

    [Fact]
    public async Task Denial_BeatsConsent()
    {
        var world = await World.CreateAsync(fixture);
        await world.CreateAsync(world.ConsentFor(world.PatientId, Consent.ConsentProvisionType.Permit, world.OrganizationByOid, ["plan"]));
        await world.CreateAsync(world.ConsentFor(world.PatientId, Consent.ConsentProvisionType.Deny, new ResourceReference("Organization/" + world.OrganizationId), ["plan"]));

        await AssertForbiddenAsync(world);
    }

    [Fact]
    public async Task DenialOfAnotherClass_LeavesTheConsent()
    {
        var world = await World.CreateAsync(fixture);
        var consent = await world.CreateAsync(world.ConsentFor(world.PatientId, Consent.ConsentProvisionType.Permit, world.OrganizationByOid, ["plan"]));
        await world.CreateAsync(world.ConsentFor(world.PatientId, Consent.ConsentProvisionType.Deny, world.OrganizationByOid, ["documents"]));

        Assert.Equal(new LegalBasis(LegalBasis.ConsentCode, $"Consent/{consent}"), await ReadBasisAsync(world));
    }

    [Fact]
    public async Task Denial_DoesNotBeatCareRelationship()
    {
        var world = await World.CreateAsync(fixture);
        var team = await world.CreateAsync(world.Team(world.PatientId, world.PractitionerRole));
        await world.CreateAsync(world.ConsentFor(world.PatientId, Consent.ConsentProvisionType.Deny, world.OrganizationByOid, []));

        Assert.Equal(new LegalBasis(LegalBasis.CareRelationshipCode, $"CareTeam/{team}"), await ReadBasisAsync(world));
    }

    [Fact]
    public async Task BreakGlass_Reads_WithBreakGlassBasis()
    {
        var world = await World.CreateAsync(fixture);
        var caller = world.Caller with { BreakGlassReason = "Unconscious client in the emergency room" };

        var (service, trail) = fixture.As(caller);
        await service.ReadAsync("CarePlan", world.CarePlanId, null, default);

        var basis = Assert.Single(trail.Accesses).Basis!;
        Assert.True(basis.IsBreakGlass);
        Assert.Equal("Unconscious client in the emergency room", basis.Reason);
    }

    [Fact]
    public async Task BreakGlass_WhenNotAllowed_IsForbidden()
    {
        var world = await World.CreateAsync(fixture);
        var caller = world.Caller with { BreakGlassReason = "Emergency" };

        var (service, _) = fixture.As(caller, new AccessPolicyOptions(AllowBreakGlass: false));

        await Assert.ThrowsAsync<ForbiddenException>(() => service.ReadAsync("CarePlan", world.CarePlanId, null, default));
    }

    [Fact]
    public async Task SystemIntegration_Reads_UnderStatutoryTask()
    {
        var world = await World.CreateAsync(fixture);

        var (service, trail) = fixture.As(PolicyFixture.WithRole(CallerRole.SystemIntegration, "system/*.cruds"));
        await service.ReadAsync("CarePlan", world.CarePlanId, null, default);

        Assert.Equal(new LegalBasis(LegalBasis.StatutoryTaskCode), Assert.Single(trail.Accesses).Basis);
    }

    [Fact]
    public async Task DirectoryResource_IsReleasedWithoutBasis()
    {
        var world = await World.CreateAsync(fixture);

        var (service, trail) = fixture.As(world.Caller);
        await service.ReadAsync("Organization", world.OrganizationId, null, default);

        Assert.Equal(new DataAccess("Organization", world.OrganizationId, 1, null, null, DataAccessKind.Read), Assert.Single(trail.Accesses));
    }

    [Fact]
    public async Task InstanceHistory_WithoutBasis_IsForbidden()
    {
        var world = await World.CreateAsync(fixture);

        var (service, trail) = fixture.As(world.Caller);

        await Assert.ThrowsAsync<ForbiddenException>(() => service.HistoryAsync("CarePlan", world.CarePlanId, [], PolicyFixture.Context, default));
        Assert.Single(trail.Denied);
    }

    private static EpisodeOfCare Episode(World world, EpisodeOfCare.EpisodeOfCareStatus status) => new()
    {
        Status = status,
        Patient = new ResourceReference("Patient/" + world.PatientId),
        CareManager = new ResourceReference(world.PractitionerRole),
    };

    private async Task<LegalBasis> ReadBasisAsync(World world)
    {
        var (service, trail) = fixture.As(world.Caller);
        await service.ReadAsync("CarePlan", world.CarePlanId, null, default);
        return Assert.Single(trail.Accesses).Basis!;
    }

    private async Task AssertForbiddenAsync(World world)
    {
        var (service, trail) = fixture.As(world.Caller);
        await Assert.ThrowsAsync<ForbiddenException>(() => service.ReadAsync("CarePlan", world.CarePlanId, null, default));
        Assert.Empty(trail.Accesses);
    }
}
