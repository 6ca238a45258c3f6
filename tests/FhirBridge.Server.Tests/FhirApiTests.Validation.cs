using System.Net;
using FhirBridge.Core.Fhir;
using FhirBridge.Server.Tests.Infrastructure;
using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;
using Task = System.Threading.Tasks.Task;

namespace FhirBridge.Server.Tests;

public abstract partial class FhirApiTests
{
    private const string JointClientEpisode = ProfileExamples.Base + "JointClientEpisode";

    [Fact]
    public async Task Validate_of_a_conforming_resource_has_no_errors()
    {
        var response = await Http.PostAsync("/fhir/EpisodeOfCare/$validate", FhirTest.Json(ProfileExamples.Load<EpisodeOfCare>("EpisodeOfCare-yhteisasiakkuus-1")));

        var outcome = await FhirTest.AssertOutcomeAsync(response, HttpStatusCode.OK, OperationOutcome.IssueSeverity.Information);
        Assert.DoesNotContain(outcome.Issue, IsError);
    }

    [Fact]
    public async Task Validate_of_an_invalid_resource_is_200_with_the_errors()
    {
        var response = await Http.PostAsync("/fhir/EpisodeOfCare/$validate", FhirTest.Json(ProfileExamples.Load<EpisodeOfCare>("EpisodeOfCare-invalid-no-care-manager")));

        var outcome = await FhirTest.AssertOutcomeAsync(response, HttpStatusCode.OK);
        Assert.Contains(outcome.Issue, i => IsError(i) && i.Expression.Any(e => e != null && e.Contains("careManager", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Validate_applies_the_must_conform_rules_to_a_resource_without_meta_profile()
    {
        var response = await Http.PostAsync("/fhir/EpisodeOfCare/$validate", FhirTest.Json(ProfileExamples.Unclaimed<EpisodeOfCare>("EpisodeOfCare-invalid-no-care-manager")));

        var outcome = await FhirTest.AssertOutcomeAsync(response, HttpStatusCode.OK);
        Assert.Contains(outcome.Issue, IsError);
    }

    [Fact]
    public async Task Validate_with_parameters_uses_the_requested_profile()
    {
        var episode = new EpisodeOfCare { Status = EpisodeOfCare.EpisodeOfCareStatus.Active, Patient = new ResourceReference("Patient/p1") };
        var parameters = new Parameters();
        parameters.Add("resource", episode);
        parameters.Add("profile", new Canonical(JointClientEpisode));
        parameters.Add("mode", new Code("create"));
        var plain = await Http.PostAsync("/fhir/EpisodeOfCare/$validate", FhirTest.Json(episode));
        var profiled = await Http.PostAsync("/fhir/EpisodeOfCare/$validate", FhirTest.Json(parameters));

        Assert.DoesNotContain((await FhirTest.AssertOutcomeAsync(plain, HttpStatusCode.OK, OperationOutcome.IssueSeverity.Information)).Issue, IsError);
        Assert.Contains((await FhirTest.AssertOutcomeAsync(profiled, HttpStatusCode.OK)).Issue, IsError);
    }

    [Fact]
    public async Task Validate_with_an_unknown_profile_reports_an_error()
    {
        var response = await Http.PostAsync(
            "/fhir/Patient/$validate?profile=https://example.org/StructureDefinition/nothing", FhirTest.Json(FhirTest.Patient("Profiiliton")));

        var outcome = await FhirTest.AssertOutcomeAsync(response, HttpStatusCode.OK);
        Assert.Contains(outcome.Issue, i => IsError(i) && i.Code == OperationOutcome.IssueType.NotFound);
    }

    [Theory]
    [InlineData("/fhir/Unknown/$validate", "{\"resourceType\":\"Patient\"}", HttpStatusCode.NotFound)]
    [InlineData("/fhir/Patient/$validate", "{\"resourceType\":\"Patient\",", HttpStatusCode.BadRequest)]
    [InlineData("/fhir/Patient/$validate", "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"}}", HttpStatusCode.BadRequest)]
    [InlineData("/fhir/Patient/$validate?mode=sideways", "{\"resourceType\":\"Patient\"}", HttpStatusCode.BadRequest)]
    [InlineData("/fhir/Patient/$validate", "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"profile\",\"valueCanonical\":\"http://x\"}]}", HttpStatusCode.BadRequest)]
    public async Task Validate_rejects_bad_requests(string url, string body, HttpStatusCode status)
    {
        var response = await Http.PostAsync(url, FhirTest.Json(body));

        await FhirTest.AssertOutcomeAsync(response, status);
    }

    [Fact]
    public async Task Validate_of_a_stored_resource_validates_it_against_the_requested_profile()
    {
        var episode = new EpisodeOfCare { Status = EpisodeOfCare.EpisodeOfCareStatus.Active, Patient = new ResourceReference("Patient/p1") };
        var stored = await Client.CreateAsync(episode);

        var plain = await Http.GetAsync($"/fhir/EpisodeOfCare/{stored!.Id}/$validate");
        var profiled = await Http.GetAsync($"/fhir/EpisodeOfCare/{stored.Id}/$validate?profile={JointClientEpisode}");
        var unknown = await Http.GetAsync($"/fhir/EpisodeOfCare/{FhirTest.Unique()}/$validate");

        Assert.DoesNotContain((await FhirTest.AssertOutcomeAsync(plain, HttpStatusCode.OK, OperationOutcome.IssueSeverity.Information)).Issue, IsError);
        Assert.Contains((await FhirTest.AssertOutcomeAsync(profiled, HttpStatusCode.OK)).Issue, IsError);
        await FhirTest.AssertOutcomeAsync(unknown, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Capability_statement_lists_the_validate_operation()
    {
        var statement = await Client.CapabilityStatementAsync();

        // AuditEvent is the log: written only by the server, so it has nothing to validate.
        Assert.All(statement!.Rest[0].Resource.Where(r => ServedTypes.IsServed(r.Type!) && r.Type != ServedTypes.AuditLog), r => Assert.Contains(r.Operation, o =>
            o.Name == "validate" && o.Definition == "http://hl7.org/fhir/OperationDefinition/Resource-validate"));
    }

    [Theory]
    [InlineData("EpisodeOfCare-invalid-no-care-manager", false)]
    [InlineData("EpisodeOfCare-invalid-no-care-manager", true)]
    public async Task Create_of_a_non_conforming_resource_is_422_and_stores_nothing(string example, bool claimed)
    {
        var episode = claimed ? ProfileExamples.Load<EpisodeOfCare>(example) : ProfileExamples.Unclaimed<EpisodeOfCare>(example);
        var testId = Tagged(episode);

        var response = await Http.PostAsync("/fhir/EpisodeOfCare", FhirTest.Json(episode));

        await FhirTest.AssertOutcomeAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.Empty((await SearchByTestIdAsync("EpisodeOfCare", testId)).Entry);
    }

    [Fact]
    public async Task Update_and_conditional_update_of_a_non_conforming_resource_are_422()
    {
        var valid = ProfileExamples.Load<EpisodeOfCare>("EpisodeOfCare-yhteisasiakkuus-1");
        var testId = Tagged(valid);
        var created = await Client.CreateAsync(valid);
        var invalid = ProfileExamples.Load<EpisodeOfCare>("EpisodeOfCare-invalid-no-care-manager");
        invalid.Identifier = valid.Identifier;
        invalid.Id = created!.Id;

        var update = await Http.PutAsync($"/fhir/EpisodeOfCare/{created.Id}", FhirTest.Json(invalid));
        var conditional = await Http.PutAsync($"/fhir/EpisodeOfCare?identifier={FhirTest.TestIdSystem}|{testId}", FhirTest.Json(invalid));

        await FhirTest.AssertOutcomeAsync(update, HttpStatusCode.UnprocessableEntity);
        await FhirTest.AssertOutcomeAsync(conditional, HttpStatusCode.UnprocessableEntity);
        Assert.Equal("1", (await Client.ReadAsync<EpisodeOfCare>($"EpisodeOfCare/{created.Id}"))!.Meta!.VersionId);
    }

    [Theory]
    [InlineData("EpisodeOfCare-yhteisasiakkuus-1")]
    [InlineData("CareTeam-omatiimi-1")]
    [InlineData("Consent-luovutuslupa-1")]
    public async Task Create_of_a_conforming_example_succeeds(string example)
    {
        var type = example[..example.IndexOf('-', StringComparison.Ordinal)];
        var response = await Http.PostAsync($"/fhir/{type}", FhirTest.Json(ProfileExamples.Load<Resource>(example)));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Theory]
    [InlineData("CarePlan-invalid-no-goal")]
    [InlineData("CareTeam-invalid-two-responsible-workers")]
    [InlineData("Consent-invalid-no-actor")]
    public async Task Must_conform_rules_reject_unclaimed_invalid_examples(string example)
    {
        var type = example[..example.IndexOf('-', StringComparison.Ordinal)];

        var response = await Http.PostAsync($"/fhir/{type}", FhirTest.Json(ProfileExamples.Unclaimed<Resource>(example)));

        await FhirTest.AssertOutcomeAsync(response, HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task A_claimed_profile_that_is_not_loaded_does_not_block_a_write()
    {
        var patient = FhirTest.Patient("Tuntematon");
        patient.Meta = new Meta { Profile = ["https://example.org/StructureDefinition/not-loaded"] };

        var created = await Client.CreateAsync(patient);

        Assert.Equal("1", created!.Meta!.VersionId);
    }

    [Fact]
    public async Task Reference_targets_are_read_from_the_store_for_target_profile_checks()
    {
        // JointClientEpisode.team must reference a JointCareTeam; a plain CareTeam does not conform to it.
        var team = await Client.CreateAsync(new CareTeam { Status = CareTeam.CareTeamStatus.Active, Name = "Tavallinen tiimi" });
        var episode = ProfileExamples.Load<EpisodeOfCare>("EpisodeOfCare-yhteisasiakkuus-1");
        episode.Team = [new ResourceReference($"CareTeam/{team!.Id}")];

        var validated = await Http.PostAsync("/fhir/EpisodeOfCare/$validate", FhirTest.Json(episode));
        var created = await Http.PostAsync("/fhir/EpisodeOfCare", FhirTest.Json(episode));

        Assert.Contains((await FhirTest.AssertOutcomeAsync(validated, HttpStatusCode.OK)).Issue, i => IsError(i) && i.Expression.Any(e => e != null && e.Contains("team", StringComparison.Ordinal)));
        await FhirTest.AssertOutcomeAsync(created, HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task Transaction_with_a_non_conforming_entry_fails_whole()
    {
        var patient = FhirTest.Patient("Transaktio");
        var testId = patient.Identifier[0].Value!;
        var invalid = ProfileExamples.Load<EpisodeOfCare>("EpisodeOfCare-invalid-no-care-manager");
        var bundle = new Bundle { Type = Bundle.BundleType.Transaction };
        bundle.Entry.Add(PostEntry(patient));
        bundle.Entry.Add(PostEntry(invalid));

        var response = await Http.PostAsync("/fhir", FhirTest.Json(bundle));

        await FhirTest.AssertOutcomeAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.Empty((await SearchByTestIdAsync("Patient", testId)).Entry);
    }

    [Fact]
    public async Task Batch_reports_a_non_conforming_entry_as_422_and_stores_the_others()
    {
        var patient = FhirTest.Patient("Eräajo");
        var bundle = new Bundle { Type = Bundle.BundleType.Batch };
        bundle.Entry.Add(PostEntry(patient));
        bundle.Entry.Add(PostEntry(ProfileExamples.Load<EpisodeOfCare>("EpisodeOfCare-invalid-no-care-manager")));

        var response = await Client.TransactionAsync(bundle);

        Assert.StartsWith("201", response!.Entry[0].Response!.Status);
        Assert.StartsWith("422", response.Entry[1].Response!.Status);
        Assert.Single((await SearchByTestIdAsync("Patient", patient.Identifier[0].Value!)).Entry);
    }

    private static bool IsError(OperationOutcome.IssueComponent issue) =>
        issue.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal;

    private static Bundle.EntryComponent PostEntry(Resource resource) => new()
    {
        FullUrl = $"urn:uuid:{Guid.NewGuid()}",
        Resource = resource,
        Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = resource.TypeName },
    };

    // Adds a unique test identifier so the test can look for what it stored.
    private static string Tagged(EpisodeOfCare episode)
    {
        var testId = FhirTest.Unique();
        episode.Identifier.Add(new Identifier(FhirTest.TestIdSystem, testId));
        return testId;
    }

    private async Task<Bundle> SearchByTestIdAsync(string type, string testId) =>
        (await Client.SearchAsync(type, [$"identifier={FhirTest.TestIdSystem}|{testId}"]))!;
}
