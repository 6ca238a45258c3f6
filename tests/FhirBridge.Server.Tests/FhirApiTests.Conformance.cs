using System.Net;
using FhirBridge.Core.Fhir;
using FhirBridge.Server.Tests.Infrastructure;
using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;
using Task = System.Threading.Tasks.Task;

namespace FhirBridge.Server.Tests;

public abstract partial class FhirApiTests
{
    [Theory]
    [InlineData("StructureDefinition", "JointCareTeam", "https://fhirbridge.fi/fhir/StructureDefinition/JointCareTeam")]
    [InlineData("ValueSet", "episode-type", "https://fhirbridge.fi/fhir/ValueSet/episode-type")]
    [InlineData("CodeSystem", "episode-type", "https://fhirbridge.fi/fhir/CodeSystem/episode-type")]
    public async Task Package_conformance_resources_are_readable_by_id(string type, string id, string url)
    {
        var response = await Http.GetAsync($"/fhir/{type}/{id}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var resource = FhirSerializer.ParseJson(await response.Content.ReadAsStringAsync());
        Assert.Equal(type, resource.TypeName);
        Assert.Equal(id, resource.Id);
        Assert.Equal(url, ((IVersionableConformanceResource)resource).Url);
    }

    [Fact]
    public async Task Unknown_conformance_resource_is_404()
    {
        await FhirTest.AssertOutcomeAsync(await Http.GetAsync("/fhir/StructureDefinition/no-such-profile"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Conformance_resources_are_searchable_by_url_and_name()
    {
        var byUrl = await Client.SearchAsync("StructureDefinition", ["url=https://fhirbridge.fi/fhir/StructureDefinition/JointClientEpisode"]);
        var byName = await Client.SearchAsync("CodeSystem", ["name=episode"]);
        var all = await Client.SearchAsync("ValueSet", []);
        var none = await Client.SearchAsync("ValueSet", ["url=https://example.org/ValueSet/none"]);

        Assert.Equal("JointClientEpisode", Assert.Single(byUrl!.Entry).Resource!.Id);
        Assert.Contains(byName!.Entry, e => e.Resource!.Id == "episode-type");
        Assert.All(byName.Entry, e => Assert.StartsWith("episode", ((CodeSystem)e.Resource!).Name, StringComparison.OrdinalIgnoreCase));
        Assert.Equal(all!.Entry.Count, all.Total);
        Assert.True(all.Total >= 11);
        Assert.Empty(none!.Entry);
    }

    [Fact]
    public async Task Conformance_search_with_an_unsupported_parameter_is_400()
    {
        await FhirTest.AssertOutcomeAsync(await Http.GetAsync("/fhir/ValueSet?publisher=x"), HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("POST", "/fhir/StructureDefinition")]
    [InlineData("PUT", "/fhir/ValueSet/episode-type")]
    [InlineData("PUT", "/fhir/ValueSet?url=x")]
    [InlineData("DELETE", "/fhir/CodeSystem/episode-type")]
    public async Task Conformance_resources_are_read_only(string method, string url)
    {
        var response = await Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), url)
        {
            Content = FhirTest.Json("{\"resourceType\":\"ValueSet\",\"id\":\"episode-type\",\"status\":\"draft\"}"),
        });

        await FhirTest.AssertOutcomeAsync(response, HttpStatusCode.MethodNotAllowed);
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync("/fhir/CodeSystem/episode-type")).StatusCode);
    }
}
