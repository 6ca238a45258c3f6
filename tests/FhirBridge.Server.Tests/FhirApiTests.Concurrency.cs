using System.Net;
using FhirBridge.Server.Tests.Infrastructure;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;

namespace FhirBridge.Server.Tests;

public abstract partial class FhirApiTests
{
    private const int Writers = 8;

    [Fact]
    public async Task Parallel_updates_with_the_same_if_match_let_exactly_one_win()
    {
        var id = await CreateForRaceAsync();

        var responses = await RaceAsync(id, ifMatch: "W/\"1\"");

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        foreach (var lost in responses.Where(r => r.StatusCode != HttpStatusCode.OK))
        {
            Assert.Contains(lost.StatusCode, new[] { HttpStatusCode.PreconditionFailed, HttpStatusCode.Conflict });
            await FhirTest.AssertOutcomeAsync(lost, lost.StatusCode);
        }

        Assert.Equal([1, 2], await HistoryVersionsAsync(id));
        Assert.Equal("2", (await Client.ReadAsync<Patient>($"Patient/{id}"))!.Meta!.VersionId);
    }

    [Fact]
    public async Task Parallel_plain_updates_all_succeed_each_with_its_own_version()
    {
        var id = await CreateForRaceAsync();

        var responses = await RaceAsync(id, ifMatch: null);

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(Enumerable.Range(2, Writers).Select(v => $"W/\"{v}\""), responses.Select(r => r.Headers.ETag!.ToString()).Order());
        Assert.Equal(Enumerable.Range(1, Writers + 1), await HistoryVersionsAsync(id));
    }

    private async Task<string> CreateForRaceAsync()
    {
        var patient = FhirTest.Patient("Kilpa");
        patient.Id = FhirTest.Unique();
        var response = await Http.PutAsync($"/fhir/Patient/{patient.Id}", FhirTest.Json(patient));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return patient.Id;
    }

    // All writers wait on one gate so their requests overlap as much as the server lets them.
    private async Task<HttpResponseMessage[]> RaceAsync(string id, string? ifMatch)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var writers = Enumerable.Range(0, Writers).Select(writer => Task.Run(async () =>
        {
            var patient = FhirTest.Patient($"Kilpa{writer}");
            patient.Id = id;
            var request = new HttpRequestMessage(HttpMethod.Put, $"/fhir/Patient/{id}") { Content = FhirTest.Json(patient) };
            if (ifMatch is not null)
            {
                request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
            }

            await gate.Task;
            return await Http.SendAsync(request, timeout.Token);
        })).ToList();
        gate.SetResult();
        return await Task.WhenAll(writers);
    }

    private async Task<List<int>> HistoryVersionsAsync(string id)
    {
        var history = await Client.HistoryAsync($"Patient/{id}", pageSize: 100);
        return [.. history!.Entry.Select(e => int.Parse(e.Resource!.Meta!.VersionId!, System.Globalization.CultureInfo.InvariantCulture)).Order()];
    }
}
