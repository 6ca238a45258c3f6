using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Serialization;
using FhirBridge.Fakes;
using Hl7.Fhir.Rest;
using Task = System.Threading.Tasks.Task;

namespace FhirBridge.Fakes.Tests;

public sealed class FaultTests : FakeTestBase
{
    private const string Probe = "fhir/metadata";

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    [Fact]
    public async Task The_next_N_requests_fail_with_the_given_status_then_it_recovers()
    {
        Fake.Faults.FailNext(2, 502);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await Http.GetAsync(Probe);
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.BadGateway, HttpStatusCode.BadGateway, HttpStatusCode.OK], statuses);
    }

    [Fact]
    public async Task A_failed_write_is_not_stored()
    {
        Fake.Faults.FailNext(1);

        using var failed = await PutByIdentifierAsync(Plan("plan-f", "1"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        Assert.Empty(Fake.Received);
        Assert.Empty(Fake.Store.Find("CarePlan", _ => true));
    }

    [Fact]
    public async Task A_fixed_delay_slows_every_request()
    {
        Fake.Faults.Delay(TimeSpan.FromMilliseconds(300));

        var watch = Stopwatch.StartNew();
        using var first = await Http.GetAsync(Probe);
        using var second = await Http.GetAsync(Probe);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (first.StatusCode, second.StatusCode));
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(600), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task Hanging_requests_time_out_at_the_client_and_the_next_one_answers()
    {
        Fake.Faults.HangNext(1);
        using var impatient = NewHttp(Fake, TimeSpan.FromMilliseconds(500));

        await Assert.ThrowsAsync<TaskCanceledException>(() => impatient.GetAsync(Probe));
        using var next = await impatient.GetAsync(Probe);

        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    [Fact]
    public async Task Refused_connections_fail_until_restored()
    {
        await Fake.RefuseConnectionsAsync();

        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => Http.GetAsync(Probe));
        await Fake.RestoreConnectionsAsync();
        using var restored = await Http.GetAsync(Probe);

        Assert.Equal(SocketError.ConnectionRefused, (refused.InnerException as SocketException)?.SocketErrorCode);
        Assert.Equal(HttpStatusCode.OK, restored.StatusCode);
    }

    [Theory]
    [InlineData(WrongContentKind.Html, "text/html")]
    [InlineData(WrongContentKind.InvalidJson, "application/fhir+json")]
    public async Task Wrong_content_is_200_with_a_body_that_is_not_a_FHIR_resource(WrongContentKind kind, string mediaType)
    {
        Fake.Faults.WrongContentNext(2, kind);

        using var wrong = await Http.GetAsync(Probe);
        var body = await wrong.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        Assert.Equal(mediaType, wrong.Content.Headers.ContentType?.MediaType);
        Assert.ThrowsAny<Exception>(() => System.Text.Json.JsonDocument.Parse(body));
        await Assert.ThrowsAnyAsync<Exception>(() => NewFhirClient(Fake).CapabilityStatementAsync());
    }

    [Fact]
    public async Task Reset_turns_every_fault_off_releases_hanging_requests_and_listens_again()
    {
        Fake.Faults.HangNext(5);
        var hanging = Http.GetAsync(Probe);
        await WaitUntilAsync(() => Fake.Faults.Snapshot().HangNext == 4);
        Fake.Faults.FailNext(5);
        Fake.Faults.WrongContentNext(5, WrongContentKind.Html);
        Fake.Faults.Delay(TimeSpan.FromSeconds(5));
        await Fake.RefuseConnectionsAsync();

        await Fake.ResetAsync();

        await Assert.ThrowsAnyAsync<HttpRequestException>(() => hanging);
        var watch = Stopwatch.StartNew();
        using var response = await Http.GetAsync(Probe);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/fhir+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task The_admin_endpoint_sets_faults_over_HTTP_and_resets_them()
    {
        using var set = await Http.PostAsJsonAsync("_faults", new { failNext = 1, failStatus = 500 });
        using var failed = await Http.GetAsync(Probe);
        using var ok = await Http.GetAsync(Probe);
        using var setWrong = await Http.PostAsJsonAsync("_faults", new { wrongContentNext = 3, wrongContent = "InvalidJson" });
        using var reset = await Http.PostAsync("_faults/reset", null);
        using var afterReset = await Http.GetAsync(Probe);

        Assert.Equal(new FaultState(1, 500, 0, 0, WrongContentKind.Html, 0), await set.Content.ReadFromJsonAsync<FaultState>(JsonOptions));
        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(HttpStatusCode.OK, setWrong.StatusCode);
        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        Assert.Equal("application/fhir+json", afterReset.Content.Headers.ContentType?.MediaType);
        Assert.Contains("CapabilityStatement", await afterReset.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refusing_over_HTTP_lasts_the_given_time()
    {
        using var set = await Http.PostAsJsonAsync("_faults", new { refuseMs = 1500 });
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);

        await WaitUntilAsync(() => !Fake.IsListening);
        using var fresh = NewHttp(Fake, TimeSpan.FromSeconds(5));
        await Assert.ThrowsAsync<HttpRequestException>(() => fresh.GetAsync(Probe));
        await WaitUntilAsync(() => Fake.IsListening);
        using var back = await fresh.GetAsync(Probe);

        Assert.Equal(HttpStatusCode.OK, back.StatusCode);
    }

    [Fact]
    public async Task Fault_switches_are_thread_safe_each_count_is_used_once()
    {
        Fake.Faults.FailNext(10);

        var statuses = await Task.WhenAll(Enumerable.Range(0, 30).Select(async _ =>
        {
            using var response = await Http.GetAsync(Probe);
            return response.StatusCode;
        }));

        Assert.Equal(10, statuses.Count(s => s == HttpStatusCode.ServiceUnavailable));
        Assert.Equal(20, statuses.Count(s => s == HttpStatusCode.OK));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not hold within 10 s.");
            await Task.Delay(20);
        }
    }
}
