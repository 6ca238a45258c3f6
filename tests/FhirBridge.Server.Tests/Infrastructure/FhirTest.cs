using System.Net;
using System.Net.Http.Headers;
using System.Text;
using FhirBridge.Core.Fhir;
using Hl7.Fhir.Model;

namespace FhirBridge.Server.Tests.Infrastructure;

/// <summary>Test data and HTTP helpers shared by the API tests.</summary>
public static class FhirTest
{
    public const string TestIdSystem = "https://fhirbridge.example/test-id";

    public const string HetuSystem = "urn:oid:1.2.246.21";

    public const string JsonType = "application/fhir+json";

    /// <summary>A value no other test uses, so tests sharing a database never see each other's data.</summary>
    public static string Unique() => Guid.NewGuid().ToString("N");

    public static Patient Patient(string family, string? testId = null) => new()
    {
        Identifier = [new Identifier(TestIdSystem, testId ?? Unique())],
        Name = [new HumanName { Family = family, Given = ["Virpi"] }],
        Gender = AdministrativeGender.Female,
        BirthDate = "1990-01-01",
    };

    public static StringContent Json(string body, string mediaType = JsonType) =>
        new(body, Encoding.UTF8, new MediaTypeHeaderValue(mediaType));

    public static StringContent Json(Resource resource) => Json(FhirSerializer.ToJson(resource));

    public static async Task<T> ReadAsync<T>(HttpResponseMessage response)
        where T : Resource
    {
        var body = await response.Content.ReadAsStringAsync();
        var xml = response.Content.Headers.ContentType?.MediaType == "application/fhir+xml";
        return Assert.IsType<T>(FhirSerializer.Parse(body, xml));
    }

    /// <summary>Asserts the status and that the body is an OperationOutcome with an issue of <paramref name="severity"/>.</summary>
    public static async Task<OperationOutcome> AssertOutcomeAsync(
        HttpResponseMessage response, HttpStatusCode status, OperationOutcome.IssueSeverity severity = OperationOutcome.IssueSeverity.Error)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal(JsonType, response.Content.Headers.ContentType?.MediaType);
        var outcome = await ReadAsync<OperationOutcome>(response);
        Assert.Contains(outcome.Issue, i => i.Severity == severity && !string.IsNullOrWhiteSpace(i.Diagnostics));
        return outcome;
    }
}
