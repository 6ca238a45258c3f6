using System.Net;
using FhirBridge.Fakes;
using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;
using Task = System.Threading.Tasks.Task;

namespace FhirBridge.Fakes.Tests;

public sealed class WriteTests : FakeTestBase
{
    [Fact]
    public async Task Conditional_update_creates_then_updates_the_same_resource_without_duplicating()
    {
        using var created = await PutByIdentifierAsync(Plan("plan-1", "1"));
        using var updated = await PutByIdentifierAsync(Plan("plan-1", "2", "Päivitetty"));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var stored = Assert.Single(Fake.Store.Find("CarePlan", _ => true));
        Assert.Equal("Päivitetty", ((CarePlan)stored).Title);
        Assert.Equal("2", stored.Meta?.VersionId);
        Assert.Equal("W/\"2\"", updated.Headers.ETag?.ToString());
        Assert.Equal($"{Fake.BaseUrl}/CarePlan/{stored.Id}/_history/2", updated.Headers.Location?.ToString());
        Assert.Equal([WriteOutcome.Created, WriteOutcome.Updated], Fake.ReceivedFor("CarePlan", stored.Id!).Select(r => r.Outcome));
    }

    [Fact]
    public async Task Conditional_update_through_the_Firely_client_keeps_one_resource()
    {
        var client = NewFhirClient(Fake);
        var condition = new SearchParams().Add("identifier", $"{PlanIdentifierSystem}|plan-fc");

        var first = await client.ConditionalUpdateAsync(Plan("plan-fc", "1"), condition);
        var second = await client.ConditionalUpdateAsync(Plan("plan-fc", "2"), condition);

        Assert.Equal(first!.Id, second!.Id);
        Assert.Equal("2", second.Meta?.VersionId);
        Assert.Single(Fake.Store.Find("CarePlan", _ => true));
    }

    [Fact]
    public async Task A_retried_version_is_accepted_once_in_effect()
    {
        (await PutByIdentifierAsync(Plan("plan-2", "1"))).Dispose();

        using var retry = await PutByIdentifierAsync(Plan("plan-2", "1", "Sama versio uudelleen"));

        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal([WriteOutcome.Created, WriteOutcome.Unchanged], Fake.Received.Select(r => r.Outcome));
        Assert.Single(Fake.Received, r => r.InEffect);
        Assert.Equal("Monialainen suunnitelma", (await ReadAsync<CarePlan>(retry)).Title);
    }

    [Fact]
    public async Task A_stale_version_is_rejected_with_409_and_the_newer_one_stays()
    {
        (await PutByIdentifierAsync(Plan("plan-3", "1"))).Dispose();
        (await PutByIdentifierAsync(Plan("plan-3", "3", "Uusin"))).Dispose();

        using var stale = await PutByIdentifierAsync(Plan("plan-3", "2", "Vanha"));

        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        var outcome = await ReadAsync<OperationOutcome>(stale);
        Assert.Equal(OperationOutcome.IssueType.Conflict, outcome.Issue[0].Code);
        var stored = (CarePlan)Assert.Single(Fake.Store.Find("CarePlan", _ => true));
        Assert.Equal(("Uusin", "3"), (stored.Title, stored.Meta?.VersionId));
        Assert.Equal(WriteOutcome.Rejected, Fake.Received[^1].Outcome);
    }

    [Fact]
    public async Task If_Match_naming_another_version_is_412()
    {
        (await PutByIdentifierAsync(Plan("plan-4", "1"))).Dispose();

        using var mismatch = await PutByIdentifierAsync(Plan("plan-4", "2"), ifMatch: "W/\"5\"");
        using var match = await PutByIdentifierAsync(Plan("plan-4", "2"), ifMatch: "W/\"1\"");

        Assert.Equal(HttpStatusCode.PreconditionFailed, mismatch.StatusCode);
        Assert.Equal(HttpStatusCode.OK, match.StatusCode);
    }

    [Fact]
    public async Task Conditional_update_matching_several_resources_is_412()
    {
        using var a = await Http.PutAsync("fhir/CarePlan/a", Body(Plan("shared", null)));
        using var b = await Http.PutAsync("fhir/CarePlan/b", Body(Plan("shared", null)));

        using var ambiguous = await PutByIdentifierAsync(Plan("shared", "2"));

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Created), (a.StatusCode, b.StatusCode));
        Assert.Equal(HttpStatusCode.PreconditionFailed, ambiguous.StatusCode);
        Assert.Equal(2, Fake.Store.Find("CarePlan", _ => true).Count);
    }

    [Fact]
    public async Task Plain_post_creates_and_put_by_id_updates_with_server_versions()
    {
        using var posted = await Http.PostAsync("fhir/CarePlan", Body(Plan("plan-5", null)));
        var id = (await ReadAsync<CarePlan>(posted)).Id;
        using var put = await Http.PutAsync($"fhir/CarePlan/{id}", Body(Plan("plan-5", null, "Toinen")));
        using var read = await Http.GetAsync($"fhir/CarePlan/{id}");

        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var current = await ReadAsync<CarePlan>(read);
        Assert.Equal(("Toinen", "2"), (current.Title, current.Meta?.VersionId));
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync("fhir/CarePlan/missing")).StatusCode);
    }

    [Fact]
    public async Task A_body_that_is_not_FHIR_is_400_and_nothing_is_recorded()
    {
        using var response = await Http.PutAsync("fhir/CarePlan?identifier=x|y", new StringContent("{\"resourceType\":\"Nope\"}"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(Fake.Received);
    }

    [Fact]
    public async Task Parallel_conditional_updates_of_one_identifier_create_one_resource_and_keep_the_highest_version()
    {
        var statuses = await Task.WhenAll(Enumerable.Range(1, 20).Select(async version =>
        {
            using var response = await PutByIdentifierAsync(Plan("plan-p", version.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            return response.StatusCode;
        }));

        var stored = Assert.Single(Fake.Store.Find("CarePlan", _ => true));
        Assert.Equal("20", stored.Meta?.VersionId);
        Assert.Single(statuses, s => s == HttpStatusCode.Created);
        Assert.Single(Fake.Received, r => r.Outcome == WriteOutcome.Created);
        Assert.All(statuses, s => Assert.Contains(s, new[] { HttpStatusCode.Created, HttpStatusCode.OK, HttpStatusCode.Conflict }));
    }

    [Fact]
    public async Task Waiting_for_deliveries_returns_when_they_have_arrived_in_order()
    {
        var waiting = Fake.WaitForDeliveriesAsync(3, TimeSpan.FromSeconds(10));
        foreach (var version in new[] { "1", "2", "3" })
        {
            (await PutByIdentifierAsync(Plan("plan-6", version))).Dispose();
        }

        var received = await waiting;

        Assert.Equal(["1", "2", "3"], received.Select(r => r.VersionId));
        Assert.True(received.Zip(received.Skip(1)).All(p => p.First.Sequence < p.Second.Sequence && p.First.ArrivedAt <= p.Second.ArrivedAt));
        await Assert.ThrowsAsync<TimeoutException>(() => Fake.WaitForDeliveriesAsync(4, TimeSpan.FromMilliseconds(200)));
    }
}
