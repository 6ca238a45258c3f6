using System.Net;
using System.Text;
using FhirBridge.Bridge.ConnectedSystems;
using FhirBridge.Bridge.StatutoryPlans;
using FhirBridge.Core.Fhir;
using FhirBridge.Fakes;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;

namespace FhirBridge.Bridge.Tests;

public sealed class StatutoryPlanFetcherTests : IAsyncLifetime
{
    private const string Hetu = "010190-9012";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private FakeFhirSystem _ehr = null!;

    public async Task InitializeAsync() => _ehr = await FakeFhirSystem.StartAsync(FakeSystemKind.Ehr);

    public async Task DisposeAsync() => await _ehr.DisposeAsync();

    [Fact]
    public async Task Follows_the_next_links_and_only_reads()
    {
        var seeded = Enumerable.Range(0, 5).Select(i => _ehr.AddStatutoryPlan(Hetu, $"1.2.246.10.23456789.10.{i + 1}", $"Suunnitelma {i}")).ToList();
        _ehr.AddStatutoryPlan("020290-902S", "1.2.246.10.23456789.10.99", "Toisen asiakkaan");
        var recorder = new RecordingHandler(new SocketsHttpHandler());

        var plans = await Fetcher(recorder).FetchAsync(System(_ehr.BaseUrl), Hetu, Timeout, pageSize: 2, CancellationToken.None);

        Assert.Equal(seeded.Select(p => p.Id).Order(), plans.Select(p => p.Id).Order());
        Assert.Equal(3, recorder.Requests.Count);
        Assert.All(recorder.Requests, r => Assert.Equal(HttpMethod.Get, r.Method));
        Assert.Equal($"{_ehr.BaseUrl}/DocumentReference?subject:identifier=urn%3Aoid%3A1.2.246.21%7C{Hetu}&_count=2", recorder.Requests[0].RequestUri!.OriginalString);
        Assert.All(recorder.Requests, r => Assert.Equal("Bearer ehr-token", r.Headers.Authorization?.ToString()));
        Assert.Empty(_ehr.Received);
    }

    [Fact]
    public async Task An_error_status_a_hang_and_a_refused_connection_are_failures_that_name_the_request()
    {
        var fetcher = Fetcher(new SocketsHttpHandler());
        var system = System(_ehr.BaseUrl);

        _ehr.Faults.FailNext(1, 503);
        var failed = await Assert.ThrowsAsync<StatutoryPlanFetchException>(() => fetcher.FetchAsync(system, Hetu, Timeout, 50, CancellationToken.None));
        _ehr.Faults.HangNext(1);
        var hung = await Assert.ThrowsAsync<StatutoryPlanFetchException>(() => fetcher.FetchAsync(system, Hetu, TimeSpan.FromMilliseconds(300), 50, CancellationToken.None));
        await _ehr.RefuseConnectionsAsync();
        var refused = await Assert.ThrowsAsync<StatutoryPlanFetchException>(() => fetcher.FetchAsync(system, Hetu, Timeout, 50, CancellationToken.None));

        Assert.Matches(@"^GET http://127\.0\.0\.1:\d+/fhir/DocumentReference\?\S+ answered 503 Service Unavailable\.$", failed.Message);
        Assert.EndsWith("did not answer within 0.3 s.", hung.Message, StringComparison.Ordinal);
        Assert.Contains(" failed: ", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("text/html", "<html>login</html>", "answered text/html, not FHIR JSON.")]
    [InlineData("application/fhir+json", "{\"resourceType\":\"Patient\",\"id\":\"x\"}", "answered a Patient, not a searchset Bundle.")]
    [InlineData("application/fhir+json", "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"link\":[{\"relation\":\"next\",\"url\":\"http://elsewhere.example/fhir/DocumentReference?page=2\"}]}",
        "the next page link http://elsewhere.example/fhir/DocumentReference?page=2 is not under the system's base http://127.0.0.1:5101/fhir.")]
    [InlineData("application/fhir+json", "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":", "answered content that is not valid FHIR JSON: Malformed JSON")]
    public async Task Wrong_content_and_a_next_link_to_another_host_are_failures(string mediaType, string body, string message)
    {
        var fetcher = Fetcher(new StubHandler(mediaType, body));

        var error = await Assert.ThrowsAsync<StatutoryPlanFetchException>(
            () => fetcher.FetchAsync(System(new Uri("http://127.0.0.1:5101/fhir")), Hetu, Timeout, 50, CancellationToken.None));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rejection_by_the_clients_resilience_pipeline_is_a_failure_of_the_system()
    {
        var fetcher = Fetcher(new ThrowingHandler(new InvalidOperationException("The circuit is now open and is not allowing calls.")));

        var error = await Assert.ThrowsAsync<StatutoryPlanFetchException>(
            () => fetcher.FetchAsync(System(new Uri("http://127.0.0.1:5101/fhir")), Hetu, Timeout, 50, CancellationToken.None));

        Assert.EndsWith("failed: The circuit is now open and is not allowing calls.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_credential_that_is_not_configured_fails_the_system_without_a_request()
    {
        var recorder = new RecordingHandler(new SocketsHttpHandler());
        var system = System(_ehr.BaseUrl) with { CredentialName = "missing" };

        var error = await Assert.ThrowsAsync<StatutoryPlanFetchException>(() => Fetcher(recorder).FetchAsync(system, Hetu, Timeout, 50, CancellationToken.None));

        Assert.Equal("Endpoint/ep1 names the credential 'missing', but Bridge:Credentials:missing is not configured.", error.Message);
        Assert.Empty(recorder.Requests);
    }

    internal static ConnectedSystem System(Uri baseUrl, ConnectedSystemKind kind = ConnectedSystemKind.PatientRecord) =>
        new("ep1", "EHR", baseUrl, "org1", "1.2.246.10.23456789", kind, ConnectedSystemReader.DefaultResourceTypes, "ehr-token");

    private static StatutoryPlanFetcher Fetcher(HttpMessageHandler handler) =>
        new(new Clients(handler), new BridgeCredentials(new Dictionary<string, string> { ["ehr-token"] = "ehr-token" }));

    private sealed class Clients(HttpMessageHandler handler) : IHttpClientFactory
    {
        public HttpClient CreateClient(string name)
        {
            Assert.Equal(ConnectedSystemHttp.ClientName, name);
            return new HttpClient(handler, disposeHandler: false);
        }
    }

    private sealed class RecordingHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        public List<HttpRequestMessage> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add(request);
            return base.SendAsync(request, cancellationToken);
        }
    }

    private sealed class ThrowingHandler(Exception exception) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) => Task.FromException<HttpResponseMessage>(exception);
    }

    private sealed class StubHandler(string mediaType, string body) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, mediaType) });
    }
}
