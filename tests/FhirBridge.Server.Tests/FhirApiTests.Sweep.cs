using System.Net;
using System.Net.Http.Headers;
using System.Text;
using FhirBridge.Server.Tests.Infrastructure;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;

namespace FhirBridge.Server.Tests;

/// <summary>A request the server must refuse with <paramref name="Status"/> and an OperationOutcome, storing nothing.</summary>
public sealed record BadInput(HttpStatusCode Status, Func<HttpRequestMessage> Request);

public abstract partial class FhirApiTests
{
    private static readonly TimeSpan SweepTimeout = TimeSpan.FromSeconds(60);

    // Every type a bad input could write; each must keep its count.
    private static readonly string[] SweepTypes = ["Patient", "Observation"];

    private const string GoodEntries =
        """
        {"fullUrl":"urn:uuid:5a1f0c4e-0d5e-4c1b-9a43-6f1e2b7c8d90","resource":{"resourceType":"Patient","active":true},"request":{"method":"POST","url":"Patient"}},
        {"resource":{"resourceType":"Observation","status":"final","code":{"text":"x"},"subject":{"reference":"urn:uuid:5a1f0c4e-0d5e-4c1b-9a43-6f1e2b7c8d90"}},"request":{"method":"POST","url":"Observation"}}
        """;

    private static readonly Dictionary<string, BadInput> BadInputs = new()
    {
        ["json nested 100 levels"] = Post(HttpStatusCode.BadRequest, "Patient", "{\"resourceType\":\"Patient\",\"extension\":"
            + string.Concat(Enumerable.Repeat("[{\"url\":\"http://example.org/x\",\"extension\":", 100)) + "[]" + string.Concat(Enumerable.Repeat("}]", 100)) + "}"),
        ["json arrays nested 100 000 levels"] = Post(HttpStatusCode.BadRequest, "Patient", "{\"resourceType\":\"Patient\",\"extension\":"
            + new string('[', 100_000) + new string(']', 100_000) + "}"),
        ["json objects nested 40 000 levels"] = Post(HttpStatusCode.BadRequest, "Patient", "{\"resourceType\":\"Patient\",\"text\":"
            + string.Concat(Enumerable.Repeat("{\"a\":", 40_000)) + "1" + new string('}', 40_001)),
        ["xml nested 2 000 levels"] = PostXml(HttpStatusCode.BadRequest, "<Patient xmlns=\"http://hl7.org/fhir\">"
            + string.Concat(Enumerable.Repeat("<extension url=\"http://example.org/x\">", 2_000)) + string.Concat(Enumerable.Repeat("</extension>", 2_000)) + "</Patient>"),
        ["xml nested 50 000 levels unclosed"] = PostXml(HttpStatusCode.BadRequest, "<Patient xmlns=\"http://hl7.org/fhir\">" + string.Concat(Enumerable.Repeat("<a>", 50_000))),
        ["xml with an internal dtd entity expansion"] = PostXml(HttpStatusCode.BadRequest,
            "<?xml version=\"1.0\"?><!DOCTYPE Patient [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">]>"
            + "<Patient xmlns=\"http://hl7.org/fhir\"><name><family value=\"&c;\"/></name></Patient>"),
        ["xml with an external entity"] = PostXml(HttpStatusCode.BadRequest,
            "<?xml version=\"1.0\"?><!DOCTYPE Patient [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><Patient xmlns=\"http://hl7.org/fhir\"><name><family value=\"&xxe;\"/></name></Patient>"),
        ["invalid utf-8"] = Request(HttpStatusCode.BadRequest, HttpMethod.Post, "Patient",
            Bytes([.. Encoding.ASCII.GetBytes("{\"resourceType\":\"Patient\",\"name\":[{\"family\":\""), 0xC3, 0x28, .. Encoding.ASCII.GetBytes("\"}]}")], FhirTest.JsonType)),
        ["empty body"] = Post(HttpStatusCode.BadRequest, "Patient", string.Empty),
        ["null body"] = Post(HttpStatusCode.BadRequest, "Patient", "null"),
        ["array instead of object"] = Post(HttpStatusCode.BadRequest, "Patient", "[{\"resourceType\":\"Patient\",\"active\":true}]"),
        ["empty array"] = Post(HttpStatusCode.BadRequest, "Patient", "[]"),
        ["number instead of object"] = Post(HttpStatusCode.BadRequest, "Patient", "42"),
        ["string for a boolean"] = Post(HttpStatusCode.BadRequest, "Patient", "{\"resourceType\":\"Patient\",\"active\":\"yes\"}"),
        ["number for a date"] = Post(HttpStatusCode.BadRequest, "Patient", "{\"resourceType\":\"Patient\",\"birthDate\":19900101}"),
        ["invalid date"] = Post(HttpStatusCode.BadRequest, "Patient", "{\"resourceType\":\"Patient\",\"birthDate\":\"2024-13-45\"}"),
        ["unknown element"] = Post(HttpStatusCode.BadRequest, "Patient", "{\"resourceType\":\"Patient\",\"active\":true,\"shoeSize\":44}"),
        ["duplicate json keys"] = Post(HttpStatusCode.BadRequest, "Patient", "{\"resourceType\":\"Patient\",\"active\":true,\"active\":false}"),
        ["object for a repeating element"] = Post(HttpStatusCode.BadRequest, "Patient", "{\"resourceType\":\"Patient\",\"name\":{\"family\":\"Virtanen\"}}"),
        ["object for contained"] = Post(HttpStatusCode.BadRequest, "Patient", "{\"resourceType\":\"Patient\",\"contained\":{\"resourceType\":\"Patient\",\"active\":true}}"),
        ["resourceType missing"] = Post(HttpStatusCode.BadRequest, "Patient", "{\"active\":true}"),
        ["resourceType unknown"] = Post(HttpStatusCode.BadRequest, "Patient", "{\"resourceType\":\"Spaceship\",\"active\":true}"),
        ["resourceType other than the url"] = Post(HttpStatusCode.BadRequest, "Patient", "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"}}"),
        ["id in url with a dollar"] = Put(HttpStatusCode.BadRequest, "Patient/bad$id", "{\"resourceType\":\"Patient\",\"id\":\"bad$id\",\"active\":true}"),
        ["id in url of 65 characters"] = Put(HttpStatusCode.BadRequest, $"Patient/{new string('a', 65)}", $"{{\"resourceType\":\"Patient\",\"id\":\"{new string('a', 65)}\",\"active\":true}}"),
        ["id in body other than the url"] = Put(HttpStatusCode.BadRequest, $"Patient/{FhirTest.Unique()}", "{\"resourceType\":\"Patient\",\"id\":\"other\",\"active\":true}"),
        ["transaction with an invalid id"] = Transaction(HttpStatusCode.BadRequest, "{\"resource\":{\"resourceType\":\"Patient\",\"active\":true},\"request\":{\"method\":\"PUT\",\"url\":\"Patient/bad$id\"}}"),
        ["transaction with an unknown type"] = Transaction(HttpStatusCode.NotFound, "{\"resource\":{\"resourceType\":\"Patient\",\"active\":true},\"request\":{\"method\":\"POST\",\"url\":\"Spaceship\"}}"),
        ["transaction with a body of another type"] = Transaction(HttpStatusCode.BadRequest,
            "{\"resource\":{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"}},\"request\":{\"method\":\"POST\",\"url\":\"Patient\"}}"),
        ["transaction with a failing if-match"] = Transaction(HttpStatusCode.PreconditionFailed,
            "{\"resource\":{\"resourceType\":\"Patient\",\"id\":\"sweep-missing\",\"active\":true},\"request\":{\"method\":\"PUT\",\"url\":\"Patient/sweep-missing\",\"ifMatch\":\"W/\\\"9\\\"\"}}"),
        ["transaction with a dangling urn:uuid"] = Transaction(HttpStatusCode.BadRequest,
            "{\"resource\":{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"},\"subject\":{\"reference\":\"urn:uuid:0b6c8f1e-2f8a-4d59-8a1e-3c5d7e9f1a2b\"}},\"request\":{\"method\":\"POST\",\"url\":\"Observation\"}}"),
        ["transaction with an entry without request"] = Transaction(HttpStatusCode.BadRequest, "{\"resource\":{\"resourceType\":\"Patient\",\"active\":true}}"),
        ["transaction with a bad conditional create"] = Transaction(HttpStatusCode.BadRequest,
            "{\"resource\":{\"resourceType\":\"Patient\",\"active\":true},\"request\":{\"method\":\"POST\",\"url\":\"Patient\",\"ifNoneExist\":\"shoe-size=44\"}}"),
        ["transaction with an array as resource"] = Transaction(HttpStatusCode.BadRequest,
            "{\"resource\":[{\"resourceType\":\"Patient\",\"active\":true}],\"request\":{\"method\":\"POST\",\"url\":\"Patient\"}}"),
        ["transaction with an object as entry"] = Post(HttpStatusCode.BadRequest, string.Empty,
            $"{{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":{{\"resource\":{{\"resourceType\":\"Patient\",\"active\":true}},\"request\":{{\"method\":\"POST\",\"url\":\"Patient\"}}}}}}"),
        ["collection bundle"] = Post(HttpStatusCode.BadRequest, string.Empty, $"{{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[{GoodEntries}]}}"),
        ["searchset bundle"] = Post(HttpStatusCode.BadRequest, string.Empty, $"{{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":[{GoodEntries}]}}"),
        ["bundle without type"] = Post(HttpStatusCode.BadRequest, string.Empty, $"{{\"resourceType\":\"Bundle\",\"entry\":[{GoodEntries}]}}"),
        ["invalid page token"] = Request(HttpStatusCode.BadRequest, HttpMethod.Get, "Patient?_page=garbage", null),
        ["if-match garbage"] = WithHeader(Put(HttpStatusCode.BadRequest, "Patient/sweep-if-match", "{\"resourceType\":\"Patient\",\"id\":\"sweep-if-match\",\"active\":true}"), "If-Match", "garbage"),
        ["_format garbage"] = Post(HttpStatusCode.NotAcceptable, "Patient?_format=garbage", "{\"resourceType\":\"Patient\",\"active\":true}"),
        ["content-type text/plain"] = Request(HttpStatusCode.UnsupportedMediaType, HttpMethod.Post, "Patient",
            Bytes(Encoding.UTF8.GetBytes("{\"resourceType\":\"Patient\",\"active\":true}"), "text/plain")),
        ["12 MB body"] = Post(HttpStatusCode.RequestEntityTooLarge, "Patient",
            "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"" + new string('x', 12 * 1024 * 1024) + "\"}]}"),
    };

    public static TheoryData<string> BadInputNames => new(BadInputs.Keys);

    [Theory]
    [MemberData(nameof(BadInputNames))]
    public async Task Bad_input_is_a_4xx_outcome_and_stores_nothing(string name)
    {
        var input = BadInputs[name];
        var before = await CountsAsync();
        using var timeout = new CancellationTokenSource(SweepTimeout);

        using var response = await Http.SendAsync(input.Request(), timeout.Token);

        await FhirTest.AssertOutcomeAsync(response, input.Status);
        Assert.Equal(before, await CountsAsync());
    }

    [Theory]
    [InlineData("Patient?birthdate=2024-13-45")]
    [InlineData("Patient?birthdate=xx1990")]
    [InlineData("Patient?_lastUpdated=gt2024-99")]
    [InlineData("Observation?value-quantity=abc")]
    [InlineData("Observation?value-quantity=5|kg")]
    [InlineData("Observation?subject=bad$id")]
    [InlineData("Observation?subject=Spaceship/1")]
    [InlineData("Observation?subject.nope=x")]
    [InlineData("Observation?subject:Patient.=x")]
    [InlineData("Patient?family:above=x")]
    [InlineData("Patient?identifier=a|b|c")]
    [InlineData("Patient?gender=|")]
    [InlineData("CarePlan?instantiates-uri:nope=x")]
    [InlineData("Observation?code-value-quantity=x")]
    [InlineData("Patient?_text=x")]
    [InlineData("Patient?_count=-1")]
    [InlineData("Patient?_count=abc")]
    [InlineData("Patient?_sort=unknown")]
    [InlineData("Patient?_include=Nope:nope")]
    [InlineData("Patient?_revinclude=Observation:code")]
    [InlineData("Patient?_summary=nope")]
    [InlineData("Patient?_elements=1x")]
    [InlineData("Patient?_total=x")]
    public async Task Malformed_search_is_a_warning_when_lenient_and_400_when_strict(string query)
    {
        using var timeout = new CancellationTokenSource(SweepTimeout);
        var parameter = query[(query.IndexOf('?', StringComparison.Ordinal) + 1)..query.IndexOf('=', StringComparison.Ordinal)];

        using var lenient = await Http.GetAsync($"/fhir/{query}", timeout.Token);

        Assert.Equal(HttpStatusCode.OK, lenient.StatusCode);
        var bundle = await FhirTest.ReadAsync<Bundle>(lenient);
        var outcome = Assert.IsType<OperationOutcome>(Assert.Single(bundle.Entry, e => e.Search?.Mode == Bundle.SearchEntryMode.Outcome).Resource);
        Assert.Contains(outcome.Issue, i => i.Severity == OperationOutcome.IssueSeverity.Warning && !string.IsNullOrWhiteSpace(i.Diagnostics));

        var strict = new HttpRequestMessage(HttpMethod.Get, $"/fhir/{query}");
        strict.Headers.TryAddWithoutValidation("Prefer", "handling=strict");
        var error = await FhirTest.AssertOutcomeAsync(await Http.SendAsync(strict, timeout.Token), HttpStatusCode.BadRequest);
        Assert.Contains(error.Issue, i => i.Expression.Any(e => e!.StartsWith(parameter.Split('.', ':')[0], StringComparison.Ordinal)));
    }

    private async Task<string> CountsAsync()
    {
        var counts = new List<string>();
        foreach (var type in SweepTypes)
        {
            using var response = await Http.GetAsync($"/fhir/{type}?_summary=count");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            counts.Add($"{type}={(await FhirTest.ReadAsync<Bundle>(response)).Total}");
        }

        return string.Join(", ", counts);
    }

    private static BadInput Post(HttpStatusCode status, string path, string json) =>
        Request(status, HttpMethod.Post, path, Bytes(Encoding.UTF8.GetBytes(json), FhirTest.JsonType));

    private static BadInput PostXml(HttpStatusCode status, string xml) =>
        Request(status, HttpMethod.Post, "Patient", Bytes(Encoding.UTF8.GetBytes(xml), "application/fhir+xml"));

    private static BadInput Put(HttpStatusCode status, string path, string json) =>
        Request(status, HttpMethod.Put, path, Bytes(Encoding.UTF8.GetBytes(json), FhirTest.JsonType));

    // Good entries first, so a transaction that stored entries before failing would show in the counts.
    private static BadInput Transaction(HttpStatusCode status, string badEntry) =>
        Post(status, string.Empty, $"{{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{GoodEntries},{badEntry}]}}");

    private static BadInput WithHeader(BadInput input, string header, string value) => input with
    {
        Request = () =>
        {
            var request = input.Request();
            request.Headers.TryAddWithoutValidation(header, value);
            return request;
        },
    };

    private static BadInput Request(HttpStatusCode status, HttpMethod method, string path, Func<HttpContent>? content) =>
        new(status, () => new HttpRequestMessage(method, $"/fhir/{path}".TrimEnd('/')) { Content = content?.Invoke() });

    private static Func<HttpContent> Bytes(byte[] body, string mediaType) => () =>
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(mediaType);
        return content;
    };
}
