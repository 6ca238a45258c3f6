using FhirBridge.Core.Errors;
using FhirBridge.Core.Security;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;

namespace FhirBridge.Core.Tests.Security;

/// <summary>A write that ends the writer's own care relationship (ending a clientship, handing over) is lawful for that client only.</summary>
public sealed class GuardedWriteTests(PolicyFixture fixture) : IClassFixture<PolicyFixture>
{
    [Fact]
    public async Task AMember_EndsTheirOwnTeam_UnderTheBasisTheyHeldBefore()
    {
        var world = await World.CreateAsync(fixture);
        var teamId = await world.CreateAsync(world.Team(world.PatientId, world.PractitionerRole));
        var (service, trail) = fixture.As(world.Caller);
        var team = (CareTeam)(await service.ReadAsync("CareTeam", teamId, null, default)).Resource!;

        team.Status = CareTeam.CareTeamStatus.Inactive;
        await service.UpdateAsync("CareTeam", teamId, team, null, default);

        Assert.Equal(
            new DataAccess("CareTeam", teamId, 2, world.PatientId, new LegalBasis(LegalBasis.CareRelationshipCode, $"CareTeam/{teamId}"), DataAccessKind.Update),
            trail.Accesses[^1]);
        await Assert.ThrowsAsync<ForbiddenException>(() => fixture.As(world.Caller).Service.ReadAsync("CareTeam", teamId, null, default));
    }

    [Fact]
    public async Task TheBasisHeldBefore_DoesNotCoverMovingTheTeamToAnotherClient()
    {
        var world = await World.CreateAsync(fixture);
        var teamId = await world.CreateAsync(world.Team(world.PatientId, world.PractitionerRole));
        var other = await world.NewPatientAsync();
        var (service, trail) = fixture.As(world.Caller);
        var team = (CareTeam)(await service.ReadAsync("CareTeam", teamId, null, default)).Resource!;

        team.Status = CareTeam.CareTeamStatus.Inactive;
        team.Subject = new ResourceReference("Patient/" + other);
        await Assert.ThrowsAsync<ForbiddenException>(() => service.UpdateAsync("CareTeam", teamId, team, null, default));

        Assert.Equal(other, Assert.Single(trail.Denied).PatientId);
        Assert.Equal("1", (await fixture.Setup.ReadAsync("CareTeam", teamId, null, default)).Resource!.Meta!.VersionId);
    }
}
