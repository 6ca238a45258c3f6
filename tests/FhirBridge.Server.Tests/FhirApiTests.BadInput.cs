using System.Net;
using System.Net.Http.Headers;
using System.Text;
using FhirBridge.Server.Tests.Infrastructure;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;

namespace FhirBridge.Server.Tests;

public abstract partial class FhirApiTests
{
    [Theory]
    [InlineData("{\"resourceType\":\"Patient\",", "application/fhir+json")]
    [InlineData("{\"resourceType\":\"Patient\",\"active\":tru}", "application/json")]
    [InlineData("<Patient xmlns=\"http://hl7.org/fhir\"><active value=\"true\"></Patient>", "application/fhir+xml")]
    [InlineData("<Patient xmlns=\"http://hl7.org/fhir\"", "application/xml")]
    public async Task Malformed_body_is_400(string body, string mediaType)
    {
        var response = await Http.PostAsync("/fhir/Patient", FhirTest.Json(body, mediaType));

        await FhirTest.AssertOutcomeAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Body_of_another_resource_type_than_the_url_is_400()
    {
        var body = new Observation { Status = ObservationStatus.Final, Code = new CodeableConcept("http://loinc.org", "29463-7") };

        await FhirTest.AssertOutcomeAsync(await Http.PostAsync("/fhir/Patient", FhirTest.Json(body)), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Unknown_element_is_400_naming_it()
    {
        var response = await Http.PostAsync("/fhir/Patient", FhirTest.Json("{\"resourceType\":\"Patient\",\"shoeSize\":44}"));

        var outcome = await FhirTest.AssertOutcomeAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains(outcome.Issue, i => i.Diagnostics!.Contains("shoeSize", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Element_of_the_wrong_json_type_is_400()
    {
        var response = await Http.PostAsync("/fhir/Patient", FhirTest.Json("{\"resourceType\":\"Patient\",\"active\":\"yes\"}"));

        await FhirTest.AssertOutcomeAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Invalid_date_is_400()
    {
        var response = await Http.PostAsync("/fhir/Patient", FhirTest.Json("{\"resourceType\":\"Patient\",\"birthDate\":\"1990-13-45\"}"));

        var outcome = await FhirTest.AssertOutcomeAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains(outcome.Issue, i => i.Diagnostics!.Contains("1990-13-45", StringComparison.Ordinal) || i.Expression.Any(e => e!.Contains("birthDate", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Deeply_nested_json_is_400()
    {
        const int depth = 100;
        var body = new StringBuilder("{\"resourceType\":\"Patient\",\"extension\":");
        for (var i = 0; i < depth; i++)
        {
            body.Append("[{\"url\":\"http://example.org/x\",\"extension\":");
        }

        body.Append("[]").Append(string.Concat(Enumerable.Repeat("}]", depth))).Append('}');

        await FhirTest.AssertOutcomeAsync(await Http.PostAsync("/fhir/Patient", FhirTest.Json(body.ToString())), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Body_over_the_limit_is_413()
    {
        var patient = FhirTest.Patient(new string('a', FhirServerFactory.MaxBodyBytes));

        await FhirTest.AssertOutcomeAsync(await Http.PostAsync("/fhir/Patient", FhirTest.Json(patient)), HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Chunked_body_over_the_limit_is_413()
    {
        var bytes = Encoding.UTF8.GetBytes(Core.Fhir.FhirSerializer.ToJson(FhirTest.Patient(new string('b', FhirServerFactory.MaxBodyBytes))));
        var content = new StreamContent(new MemoryStream(bytes));
        content.Headers.ContentType = new MediaTypeHeaderValue(FhirTest.JsonType);
        var request = new HttpRequestMessage(HttpMethod.Post, "/fhir/Patient") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        await FhirTest.AssertOutcomeAsync(await Http.SendAsync(request), HttpStatusCode.RequestEntityTooLarge);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/fhir+json; charset=iso-8859-1")]
    public async Task Unsupported_content_type_is_415(string contentType)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(Core.Fhir.FhirSerializer.ToJson(FhirTest.Patient("Mediatyyppi"))));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);

        var outcome = await FhirTest.AssertOutcomeAsync(await Http.PostAsync("/fhir/Patient", content), HttpStatusCode.UnsupportedMediaType);

        // The message names what was wrong: the media type or its charset.
        var named = contentType.Contains("charset", StringComparison.Ordinal) ? "iso-8859-1" : contentType;
        Assert.Contains(outcome.Issue, i => i.Diagnostics is { } d && d.Contains(named, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Body_without_content_type_is_415()
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(Core.Fhir.FhirSerializer.ToJson(FhirTest.Patient("Tyypitön"))));

        await FhirTest.AssertOutcomeAsync(await Http.PostAsync("/fhir/Patient", content), HttpStatusCode.UnsupportedMediaType);
    }

    [Theory]
    [InlineData("application/fhir+json; charset=utf-8")]
    [InlineData("application/json;charset=UTF-8")]
    [InlineData("application/fhir+json;fhirVersion=4.0")]
    public async Task Json_media_types_with_parameters_are_accepted(string contentType)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(Core.Fhir.FhirSerializer.ToJson(FhirTest.Patient("Merkistö"))));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);

        var response = await Http.PostAsync("/fhir/Patient", content);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("Merkistö", (await FhirTest.ReadAsync<Patient>(response)).Name[0].Family);
    }

    [Fact]
    public async Task Create_of_an_unknown_type_is_404()
    {
        await FhirTest.AssertOutcomeAsync(await Http.PostAsync("/fhir/Spaceship", FhirTest.Json("{\"resourceType\":\"Spaceship\"}")), HttpStatusCode.NotFound);
        await FhirTest.AssertOutcomeAsync(await Http.GetAsync("/fhir/Medication/1"), HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("DELETE", "/fhir/Patient")]
    [InlineData("PATCH", "/fhir/Patient/1")]
    [InlineData("POST", "/fhir/Patient/1")]
    [InlineData("POST", "/fhir/_history")]
    [InlineData("DELETE", "/fhir/metadata")]
    public async Task Known_route_with_a_wrong_method_is_405(string method, string path)
    {
        var response = await Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        await FhirTest.AssertOutcomeAsync(response, HttpStatusCode.MethodNotAllowed);
        Assert.NotEmpty(response.Content.Headers.Allow);
    }

    [Theory]
    [InlineData("/fhir/Patient/1/_history/1/more")]
    [InlineData("/nothing-here")]
    public async Task Unknown_route_is_404(string path)
    {
        await FhirTest.AssertOutcomeAsync(await Http.GetAsync(path), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Unsupported_format_parameter_is_406()
    {
        await FhirTest.AssertOutcomeAsync(await Http.GetAsync("/fhir/metadata?_format=text/html"), HttpStatusCode.NotAcceptable);
    }
}
