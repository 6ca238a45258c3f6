using System.Net;
using System.Net.Http.Headers;
using FhirBridge.Server.Tests.Infrastructure;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;

namespace FhirBridge.Server.Tests;

public abstract partial class FhirApiTests
{
    [Theory]
    [InlineData("?_format=xml", null)]
    [InlineData("?_format=application/fhir%2Bxml", null)]
    [InlineData("?_format=application/fhir+xml", null)]
    [InlineData("", "application/fhir+xml")]
    [InlineData("", "application/xml;q=0.9, text/html;q=0.1")]
    public async Task Xml_is_returned_when_asked_for(string query, string? accept)
    {
        var created = await Client.CreateAsync(FhirTest.Patient("Xml"));
        var request = new HttpRequestMessage(HttpMethod.Get, $"/fhir/Patient/{created!.Id}{query}");
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        var response = await Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/fhir+xml", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        Assert.Equal(created.Id, (await FhirTest.ReadAsync<Patient>(response)).Id);
    }

    [Theory]
    [InlineData("*/*")]
    [InlineData("application/json")]
    [InlineData("text/html")]
    public async Task Json_is_returned_by_default(string accept)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/fhir/metadata");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));

        var response = await Http.SendAsync(request);

        Assert.Equal(FhirTest.JsonType, response.Content.Headers.ContentType?.MediaType);
        Assert.IsType<CapabilityStatement>(await FhirTest.ReadAsync<CapabilityStatement>(response));
    }

    [Fact]
    public async Task Xml_body_is_accepted_and_pretty_json_returned()
    {
        var xml = Core.Fhir.FhirSerializer.ToXml(FhirTest.Patient("Xmlkirjoittaja"));

        var response = await Http.PostAsync("/fhir/Patient?_pretty=true", FhirTest.Json(xml, "application/fhir+xml"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("\n", body, StringComparison.Ordinal);
        Assert.Equal("Xmlkirjoittaja", Assert.IsType<Patient>(Core.Fhir.FhirSerializer.ParseJson(body)).Name[0].Family);
    }

    [Fact]
    public async Task Errors_follow_the_negotiated_format()
    {
        var response = await Http.GetAsync($"/fhir/Patient/{FhirTest.Unique()}?_format=xml");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/fhir+xml", response.Content.Headers.ContentType?.MediaType);
        Assert.NotEmpty((await FhirTest.ReadAsync<OperationOutcome>(response)).Issue);
    }
}
