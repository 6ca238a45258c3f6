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
        var team = await Client.CreateAsync(ProfileExamples.Unclaimed<CareTeam>("CareTeam-omatiimi-1"));
        await Client.CreateAsync(EpisodeWithTeam(ProfileExamples.Load<EpisodeOfCare>("EpisodeOfCare-yhteisasiakkuus-1"), team!.Id!));

        var response = await Http.PutAsync($"/fhir/CareTeam/{team.Id}", FhirTest.Json(WithoutPackageExtensions(team)));

        var outcome = await FhirTest.AssertOutcomeAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.Contains(outcome.Issue, i => IsError(i) && i.Diagnostics?.Contains("JointCareTeam", StringComparison.Ordinal) == true);
        Assert.Equal("1", (await Client.ReadAsync<CareTeam>($"CareTeam/{team.Id}"))!.Meta!.VersionId);
    }

    [Fact]
    public async Task A_CareTeam_linked_only_from_other_episodes_need_not_conform_to_JointCareTeam()
    {
        var team = await Client.CreateAsync(ProfileExamples.Unclaimed<CareTeam>("CareTeam-omatiimi-1"));
        await Client.CreateAsync(EpisodeWithTeam(
            new EpisodeOfCare { Status = EpisodeOfCare.EpisodeOfCareStatus.Active, Patient = new ResourceReference("Patient/asiakas-1") }, team!.Id!));

        var response = await Http.PutAsync($"/fhir/CareTeam/{team.Id}", FhirTest.Json(WithoutPackageExtensions(team)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("2", (await Client.ReadAsync<CareTeam>($"CareTeam/{team.Id}"))!.Meta!.VersionId);
    }

    [Fact]
    public async Task A_CareTeam_created_after_the_joint_client_episode_linking_it_must_conform_to_JointCareTeam()
    {
        var id = FhirTest.Unique();
        await Client.CreateAsync(EpisodeWithTeam(ProfileExamples.Load<EpisodeOfCare>("EpisodeOfCare-yhteisasiakkuus-1"), id));
        var team = WithoutPackageExtensions(ProfileExamples.Unclaimed<CareTeam>("CareTeam-omatiimi-1"));
        team.Id = id;

        var response = await Http.PutAsync($"/fhir/CareTeam/{id}", FhirTest.Json(team));

        await FhirTest.AssertOutcomeAsync(response, HttpStatusCode.UnprocessableEntity);
        await FhirTest.AssertOutcomeAsync(await Http.GetAsync($"/fhir/CareTeam/{id}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_transaction_writing_a_joint_client_episode_and_its_non_conforming_CareTeam_fails_whole()
    {
        var id = FhirTest.Unique();
        var episode = EpisodeWithTeam(ProfileExamples.Load<EpisodeOfCare>("EpisodeOfCare-yhteisasiakkuus-1"), id);
        var testId = Tagged(episode);
        var team = WithoutPackageExtensions(ProfileExamples.Unclaimed<CareTeam>("CareTeam-omatiimi-1"));
        team.Id = id;
        var bundle = new Bundle { Type = Bundle.BundleType.Transaction };
        bundle.Entry.Add(PostEntry(episode));
        bundle.Entry.Add(new Bundle.EntryComponent
        {
            Resource = team,
            Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.PUT, Url = $"CareTeam/{id}" },
        });

        var response = await Http.PostAsync("/fhir", FhirTest.Json(bundle));

        // https://hl7.org/fhir/R4/http.html#trules: the POST runs before the PUT, so it is the CareTeam that fails.
        var outcome = await FhirTest.AssertOutcomeAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.Contains(outcome.Issue, i => IsError(i) && i.Expression.Contains("Bundle.entry[1]") && i.Diagnostics!.Contains("JointCareTeam#CareTeam", StringComparison.Ordinal));
        Assert.Empty((await SearchByTestIdAsync("EpisodeOfCare", testId)).Entry);
    }

    [Fact]
    public async Task EpisodeOfCare_is_searchable_by_team()
    {
        var team = await Client.CreateAsync(ProfileExamples.Unclaimed<CareTeam>("CareTeam-omatiimi-1"));
        var episode = await Client.CreateAsync(EpisodeWithTeam(ProfileExamples.Load<EpisodeOfCare>("EpisodeOfCare-yhteisasiakkuus-1"), team!.Id!));

        var found = await Client.SearchAsync("EpisodeOfCare", [$"team=CareTeam/{team.Id}"]);
        var none = await Client.SearchAsync("EpisodeOfCare", [$"team=CareTeam/{FhirTest.Unique()}"]);

        Assert.Equal(episode!.Id, Assert.Single(found!.Entry).Resource!.Id);
        Assert.Empty(none!.Entry);
    }

    private static EpisodeOfCare EpisodeWithTeam(EpisodeOfCare episode, string teamId)
    {
        episode.Id = null;
        episode.Team = [new ResourceReference($"CareTeam/{teamId}")];
        return episode;
    }

    // Without the extensions the extension-based rule looks for, only a linking joint-client episode requires JointCareTeam
    // (whose fbr-jct-1 needs a responsible worker, so the result does not conform).
    private static CareTeam WithoutPackageExtensions(CareTeam team)
    {
        var copy = (CareTeam)team.DeepCopy();
        copy.Extension.Clear();
        copy.Participant.ForEach(p => p.Extension.Clear());
        return copy;
    }
}
