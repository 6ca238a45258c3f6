using System.Net;
using FhirBridge.Fakes;
using Hl7.Fhir.Rest;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;

namespace FhirBridge.Fakes.Tests;

public sealed class StatutoryPlanTests : FakeTestBase
{
    private const string OtherHetu = "020290-902S";

    [Theory]
    [InlineData("patient.identifier")]
    [InlineData("subject:identifier")]
    public async Task Plans_are_found_by_the_clients_personal_identity_code(string parameter)
    {
        var plan = Fake.AddStatutoryPlan(Hetu, "1.2.246.10.23456789.10.100", "Terveys- ja hoitosuunnitelma");
        Fake.AddStatutoryPlan(OtherHetu, "1.2.246.10.23456789.10.200", "Toisen asiakkaan suunnitelma");

        var bundle = await NewFhirClient(Fake).SearchAsync<DocumentReference>([$"{parameter}=urn:oid:1.2.246.21|{Hetu}"]);

        var found = (DocumentReference)Assert.Single(bundle!.Entry).Resource!;
        Assert.Equal(Bundle.BundleType.Searchset, bundle.Type);
        Assert.Equal(plan.Id, found.Id);
        Assert.Equal(("urn:ietf:rfc:3986", "urn:oid:1.2.246.10.23456789.10.100"), (found.MasterIdentifier!.System, found.MasterIdentifier!.Value));
        Assert.Equal((StatutoryPlans.PlanTypeSystem, "health-plan"), (found.Type!.Coding[0].System, found.Type!.Coding[0].Code));
        Assert.Equal("urn:oid:1.2.246.10.23456789", found.Custodian!.Identifier!.Value);
        Assert.Equal(Hetu, found.Subject!.Identifier!.Value);
        Assert.Equal($"{Fake.BaseUrl}/Binary/{plan.Id}", found.Content[0].Attachment.Url);
    }

    [Fact]
    public async Task The_social_welfare_system_serves_client_plans()
    {
        await using var social = await FakeFhirSystem.StartAsync(FakeSystemKind.SocialWelfare);
        social.AddStatutoryPlan(Hetu, "urn:oid:1.2.246.10.34567890.20.1", "Asiakassuunnitelma");

        var bundle = await NewFhirClient(social).SearchAsync<DocumentReference>([$"patient.identifier=urn:oid:1.2.246.21|{Hetu}"]);

        var found = (DocumentReference)Assert.Single(bundle!.Entry).Resource!;
        Assert.Equal("social-welfare-plan", found.Type!.Coding[0].Code);
        Assert.Equal("urn:oid:1.2.246.10.34567890.20.1", found.MasterIdentifier!.Value);
    }

    [Fact]
    public async Task A_client_without_plans_gets_an_empty_searchset_and_seeding_is_not_a_delivery()
    {
        Fake.AddStatutoryPlan(OtherHetu, "1.2.246.10.23456789.10.300", "Toinen");

        var bundle = await NewFhirClient(Fake).SearchAsync<DocumentReference>([$"patient.identifier=urn:oid:1.2.246.21|{Hetu}"]);

        Assert.Empty(bundle!.Entry);
        Assert.Equal(0, bundle.Total);
        Assert.Empty(Fake.Received);
    }

    [Fact]
    public async Task Plans_are_read_by_id_and_metadata_is_served()
    {
        var plan = Fake.AddStatutoryPlan(Hetu, "1.2.246.10.23456789.10.400", "Terveys- ja hoitosuunnitelma");
        var client = NewFhirClient(Fake);

        var read = await client.ReadAsync<DocumentReference>($"DocumentReference/{plan.Id}");
        var metadata = await client.CapabilityStatementAsync();

        Assert.Equal("urn:oid:1.2.246.10.23456789.10.400", read!.MasterIdentifier!.Value);
        Assert.Equal(FHIRVersion.N4_0_1, metadata?.FhirVersion);
        Assert.Contains(metadata!.Rest[0].Resource, r => r.Type == "DocumentReference");
    }

    [Fact]
    public async Task An_unsupported_search_parameter_is_400()
    {
        using var response = await Http.GetAsync("fhir/DocumentReference?status=current");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
