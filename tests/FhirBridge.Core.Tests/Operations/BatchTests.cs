using FhirBridge.Core.Errors;
using FhirBridge.Core.Operations;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;
using static FhirBridge.Core.Tests.Operations.TestData;

namespace FhirBridge.Core.Tests.Operations;

public sealed class BatchTests(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    private readonly ResourceService _service = fixture.Service;

    private static Bundle.EntryComponent Entry(Bundle.HTTPVerb? method, string url, Resource? resource = null) =>
        new() { Resource = resource, Request = new Bundle.RequestComponent { Method = method, Url = url } };

    [Fact]
    public async Task Batch_FailingEntries_DoNotStopTheOthers()
    {
        var key = NewKey();
        var existing = await _service.CreateAsync("Patient", Patient(NewKey()), null, default);
        var stale = Entry(Bundle.HTTPVerb.PUT, $"Patient/{existing.Stored.Id}", existing.Resource);
        stale.Request!.IfMatch = "W/\"9\"";
        var batch = new Bundle
        {
            Type = Bundle.BundleType.Batch,
            Entry =
            [
                Entry(Bundle.HTTPVerb.POST, "Patient", Patient(key)),
                Entry(Bundle.HTTPVerb.GET, $"Patient/{NewKey()}"),
                stale,
                Entry(null, "Patient", Patient(NewKey())),
                Entry(Bundle.HTTPVerb.DELETE, $"Patient/{existing.Stored.Id}"),
                Entry(Bundle.HTTPVerb.POST, "Medication", new Medication()),
            ],
        };

        var response = await _service.ProcessBundleAsync(batch, ServiceFixture.Context, default);

        Assert.Equal(Bundle.BundleType.BatchResponse, response.Type);
        Assert.Equal(
            ["201 Created", "404 Not Found", "412 Precondition Failed", "400 Bad Request", "204 No Content", "404 Not Found"],
            response.Entry.Select(e => e.Response!.Status));
        Assert.All(new[] { 1, 2, 3, 5 }, i => Assert.NotEmpty(Assert.IsType<OperationOutcome>(response.Entry[i].Response!.Outcome).Issue));
        Assert.Null(response.Entry[0].Response!.Outcome);
        Assert.Single(await MatchesAsync(_service, "Patient", key));
        await Assert.ThrowsAsync<ResourceGoneException>(() => _service.ReadAsync("Patient", existing.Stored.Id, null, default));
    }

    [Fact]
    public async Task Batch_ConditionalReference_IsResolvedPerEntry()
    {
        var key = NewKey();
        var patient = await _service.CreateAsync("Patient", Patient(key), null, default);
        var batch = new Bundle
        {
            Type = Bundle.BundleType.Batch,
            Entry =
            [
                Entry(Bundle.HTTPVerb.POST, "Observation", Observation(NewKey(), $"Patient?{Criteria(key)}")),
                Entry(Bundle.HTTPVerb.POST, "Observation", Observation(NewKey(), $"Patient?{Criteria(NewKey())}")),
            ],
        };

        var response = await _service.ProcessBundleAsync(batch, ServiceFixture.Context, default);

        Assert.Equal($"Patient/{patient.Stored.Id}", ((Observation)response.Entry[0].Resource!).Subject!.Reference);
        Assert.Equal("412 Precondition Failed", response.Entry[1].Response!.Status);
    }
}
