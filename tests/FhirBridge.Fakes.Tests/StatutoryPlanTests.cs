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
        Assert.Equal((StatutoryPlans.EhrDocumentTypeSystem, "HOISUU"), (found.Type!.Coding[0].System, found.Type!.Coding[0].Code));
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
        Assert.Equal((StatutoryPlans.SocialWelfareDocumentTypeSystem, "ASSUUNN"), (found.Type!.Coding[0].System, found.Type!.Coding[0].Code));
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
    public async Task Plans_page_with_count_and_next_links_and_change_as_new_versions()
    {
        var seeded = Enumerable.Range(0, 5).Select(i => Fake.AddStatutoryPlan(Hetu, $"1.2.246.10.23456789.10.50{i}", $"Suunnitelma {i}", typeCode: i == 0 ? "LAAKSUU" : null)).ToList();
        var changed = Fake.ChangeStatutoryPlan(seeded[1].Id!, p => p.Description = "Päivitetty");

        var ids = new List<string>();
        var url = $"fhir/DocumentReference?subject:identifier=urn:oid:1.2.246.21|{Hetu}&_count=2";
        var pages = 0;
        while (url is not null)
        {
            var bundle = await ReadAsync<Bundle>(await Http.GetAsync(url));
            Assert.True(bundle.Entry.Count <= 2);
            Assert.Equal(5, bundle.Total);
            ids.AddRange(bundle.Entry.Select(e => e.Resource!.Id!));
            url = bundle.Link.FirstOrDefault(l => l.Relation == "next")?.Url;
            pages++;
        }

        Assert.Equal(3, pages);
        Assert.Equal(seeded.Select(p => p.Id!).Order(StringComparer.Ordinal), ids);
        Assert.Equal("2", changed.Meta!.VersionId);
        var read = await NewFhirClient(Fake).ReadAsync<DocumentReference>($"DocumentReference/{seeded[1].Id}");
        Assert.Equal(("Päivitetty", "2"), (read!.Description, read.Meta!.VersionId));
        Assert.Equal("LAAKSUU", (await NewFhirClient(Fake).ReadAsync<DocumentReference>($"DocumentReference/{seeded[0].Id}"))!.Type!.Coding[0].Code);
        Assert.Empty(Fake.Received);
    }

    [Fact]
    public async Task An_unsupported_search_parameter_is_400()
    {
        using var response = await Http.GetAsync("fhir/DocumentReference?status=current");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
