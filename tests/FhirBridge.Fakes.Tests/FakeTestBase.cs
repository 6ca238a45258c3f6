using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using FhirBridge.Fakes;
using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;
using Hl7.Fhir.Serialization;
using Task = System.Threading.Tasks.Task;

namespace FhirBridge.Fakes.Tests;

/// <summary>Starts a fresh EHR fake for each test and talks to it over real HTTP.</summary>
public abstract class FakeTestBase : IAsyncLifetime
{
    protected const string Hetu = "010190-901R";
    protected const string PlanIdentifierSystem = "urn:oid:1.2.246.10.12345678.10.1";

    private static readonly JsonSerializerOptions FhirOptions = new JsonSerializerOptions().ForFhir(ModelInfo.ModelInspector);

    protected FakeFhirSystem Fake { get; private set; } = null!;

    protected HttpClient Http { get; private set; } = null!;

    public virtual async Task InitializeAsync()
    {
        Fake = await FakeFhirSystem.StartAsync(FakeSystemKind.Ehr);
        Http = NewHttp(Fake, TimeSpan.FromSeconds(10));
    }

    public virtual async Task DisposeAsync()
    {
        Http.Dispose();
        await Fake.DisposeAsync();
    }

    protected static HttpClient NewHttp(FakeFhirSystem fake, TimeSpan timeout) =>
        new() { BaseAddress = new Uri($"http://127.0.0.1:{fake.Port}/"), Timeout = timeout };

    protected static FhirClient NewFhirClient(FakeFhirSystem fake) =>
        new(fake.BaseUrl, new FhirClientSettings { PreferredFormat = ResourceFormat.Json, Timeout = 10_000 });

    protected static CarePlan Plan(string identifier, string? versionId, string title = "Monialainen suunnitelma") => new()
    {
        Identifier = [new Identifier(PlanIdentifierSystem, identifier)],
        Status = RequestStatus.Active,
        Intent = CarePlan.CarePlanIntent.Plan,
        Title = title,
        Subject = new ResourceReference { Identifier = new Identifier("urn:oid:1.2.246.21", Hetu) },
        Meta = versionId is null ? null : new Meta { VersionId = versionId },
    };

    protected async Task<HttpResponseMessage> PutByIdentifierAsync(CarePlan plan, string? ifMatch = null)
    {
        var identifier = plan.Identifier[0];
        using var request = new HttpRequestMessage(HttpMethod.Put, $"fhir/CarePlan?identifier={Uri.EscapeDataString($"{identifier.System}|{identifier.Value}")}")
        {
            Content = Body(plan),
        };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return await Http.SendAsync(request);
    }

    protected static StringContent Body(Resource resource) =>
        new(JsonSerializer.Serialize(resource, FhirOptions), Encoding.UTF8, new MediaTypeHeaderValue("application/fhir+json"));

    protected static async Task<T> ReadAsync<T>(HttpResponseMessage response)
        where T : Resource =>
        JsonSerializer.Deserialize<T>(await response.Content.ReadAsStringAsync(), FhirOptions)!;
}
