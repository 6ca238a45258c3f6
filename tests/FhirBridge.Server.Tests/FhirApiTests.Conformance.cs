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

    private const string EpisodeTypes = "https://fhirbridge.fi/fhir/CodeSystem/episode-type";

    [Fact]
    public async Task Expand_lists_the_codes_of_a_loaded_value_set()
    {
        var response = await Http.GetAsync("/fhir/ValueSet/$expand?url=https://fhirbridge.fi/fhir/ValueSet/episode-type");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var expanded = await FhirTest.ReadAsync<ValueSet>(response);
        var code = Assert.Single(expanded.Expansion!.Contains);
        Assert.Equal((EpisodeTypes, "joint-client", "Joint clientship"), (code.System, code.Code, code.Display));
        Assert.Equal(1, expanded.Expansion.Total);
    }

    [Theory]
    [InlineData("joint-client", true)]
    [InlineData("something-else", false)]
    public async Task Validate_code_tells_whether_a_code_is_in_the_value_set(string code, bool expected)
    {
        var response = await Http.GetAsync($"/fhir/ValueSet/$validate-code?url=https://fhirbridge.fi/fhir/ValueSet/episode-type&system={EpisodeTypes}&code={code}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = await FhirTest.ReadAsync<Parameters>(response);
        Assert.Equal(expected, result.GetSingleValue<FhirBoolean>("result")!.Value);
        Assert.Equal(expected, result.GetSingle("display") is not null);
        Assert.Equal(expected, result.GetSingle("message") is null);
    }

    [Fact]
    public async Task Lookup_gives_the_display_of_a_code()
    {
        var response = await Http.GetAsync($"/fhir/CodeSystem/$lookup?system={EpisodeTypes}&code=joint-client");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = await FhirTest.ReadAsync<Parameters>(response);
        Assert.Equal("EpisodeType", result.GetSingleValue<FhirString>("name")!.Value);
        Assert.Equal("Joint clientship", result.GetSingleValue<FhirString>("display")!.Value);
    }

    [Theory]
    [InlineData("/fhir/ValueSet/$expand", HttpStatusCode.BadRequest)]
    [InlineData("/fhir/ValueSet/$expand?url=https://example.org/ValueSet/none", HttpStatusCode.NotFound)]
    [InlineData("/fhir/ValueSet/$validate-code?url=https://fhirbridge.fi/fhir/ValueSet/episode-type", HttpStatusCode.BadRequest)]
    [InlineData("/fhir/CodeSystem/$lookup?system=" + EpisodeTypes + "&code=nope", HttpStatusCode.NotFound)]
    [InlineData("/fhir/CodeSystem/$lookup?system=https://example.org/none&code=a", HttpStatusCode.NotFound)]
    public async Task Terminology_operations_reject_missing_or_unknown_input(string url, HttpStatusCode status)
    {
        await FhirTest.AssertOutcomeAsync(await Http.GetAsync(url), status);
    }

    [Fact]
    public async Task Capability_statement_lists_the_conformance_resources_and_terminology_operations()
    {
        var rest = (await Client.CapabilityStatementAsync())!.Rest[0];

        var valueSet = rest.Resource.Single(r => r.Type == "ValueSet");
        Assert.Equal(["expand", "validate-code"], valueSet.Operation.Select(o => o.Name).Order());
        Assert.Equal(["read", "search-type"], valueSet.Interaction.Select(i => Hl7.Fhir.Utility.EnumUtility.GetLiteral(i.Code)).Order());
        Assert.Contains(valueSet.SearchParam, p => p.Name == "url");
        Assert.Equal("lookup", Assert.Single(rest.Resource.Single(r => r.Type == "CodeSystem").Operation).Name);
    }
}
