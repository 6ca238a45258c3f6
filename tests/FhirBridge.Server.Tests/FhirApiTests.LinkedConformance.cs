using System.Net;
using FhirBridge.Server.Tests.Infrastructure;
using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;
using Task = System.Threading.Tasks.Task;

namespace FhirBridge.Server.Tests;

public abstract partial class FhirApiTests
{
    [Fact]
    public async Task A_CareTeam_linked_from_a_joint_client_episode_must_conform_to_JointCareTeam()
    {
        var team = await Client.CreateAsync(PlainJointTeam());
        await Client.CreateAsync(EpisodeWithTeam(ProfileExamples.Load<EpisodeOfCare>("EpisodeOfCare-yhteisasiakkuus-1"), team!));

        var response = await Http.PutAsync($"/fhir/CareTeam/{team!.Id}", FhirTest.Json(WithoutManagingOrganization(team)));

        var outcome = await FhirTest.AssertOutcomeAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.Contains(outcome.Issue, i => IsError(i) && i.Diagnostics?.Contains("JointCareTeam", StringComparison.Ordinal) == true);
        Assert.Equal("1", (await Client.ReadAsync<CareTeam>($"CareTeam/{team.Id}"))!.Meta!.VersionId);
    }

    [Fact]
    public async Task A_CareTeam_linked_only_from_other_episodes_need_not_conform_to_JointCareTeam()
    {
        var team = await Client.CreateAsync(PlainJointTeam());
        await Client.CreateAsync(EpisodeWithTeam(
            new EpisodeOfCare { Status = EpisodeOfCare.EpisodeOfCareStatus.Active, Patient = new ResourceReference("Patient/asiakas-1") }, team!));

        var response = await Http.PutAsync($"/fhir/CareTeam/{team!.Id}", FhirTest.Json(WithoutManagingOrganization(team)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("2", (await Client.ReadAsync<CareTeam>($"CareTeam/{team.Id}"))!.Meta!.VersionId);
    }

    [Fact]
    public async Task EpisodeOfCare_is_searchable_by_team()
    {
        var team = await Client.CreateAsync(PlainJointTeam());
        var episode = await Client.CreateAsync(EpisodeWithTeam(ProfileExamples.Load<EpisodeOfCare>("EpisodeOfCare-yhteisasiakkuus-1"), team!));

        var found = await Client.SearchAsync("EpisodeOfCare", [$"team=CareTeam/{team!.Id}"]);
        var none = await Client.SearchAsync("EpisodeOfCare", [$"team=CareTeam/{FhirTest.Unique()}"]);

        Assert.Equal(episode!.Id, Assert.Single(found!.Entry).Resource!.Id);
        Assert.Empty(none!.Entry);
    }

    // The JointCareTeam example without the package's extensions: only a linking joint-client episode makes the profile required.
    private static CareTeam PlainJointTeam()
    {
        var team = ProfileExamples.Unclaimed<CareTeam>("CareTeam-omatiimi-1");
        team.Id = null;
        team.Extension.Clear();
        team.Participant.ForEach(p => p.Extension.Clear());
        return team;
    }

    private static EpisodeOfCare EpisodeWithTeam(EpisodeOfCare episode, CareTeam team)
    {
        episode.Id = null;
        episode.Team = [new ResourceReference($"CareTeam/{team.Id}")];
        return episode;
    }

    private static CareTeam WithoutManagingOrganization(CareTeam team)
    {
        var copy = (CareTeam)team.DeepCopy();
        copy.ManagingOrganization.Clear();
        return copy;
    }
}
