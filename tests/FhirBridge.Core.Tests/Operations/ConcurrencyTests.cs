using FhirBridge.Core.Operations;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;
using static FhirBridge.Core.Tests.Operations.TestData;

namespace FhirBridge.Core.Tests.Operations;

public sealed class ConcurrencyTests(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    private const int Parallel = 8;

    private readonly ResourceService _service = fixture.Service;

    [Fact]
    public async Task ParallelConditionalCreates_CreateExactlyOneResource()
    {
        var key = NewKey();

        var results = await Task.WhenAll(Enumerable.Range(0, Parallel)
            .Select(_ => Task.Run(() => _service.CreateAsync("Patient", Patient(key), Criteria(key), default))));

        Assert.Single(results, r => r.Created);
        Assert.Single(results.Select(r => r.Stored.Id).Distinct());
        Assert.Single(await MatchesAsync(_service, "Patient", key));
    }

    [Fact]
    public async Task ParallelConditionalCreateTransactions_CreateExactlyOneResource()
    {
        var key = NewKey();
        Bundle Transaction()
        {
            var entry = new Bundle.EntryComponent
            {
                Resource = Patient(key),
                Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "Patient", IfNoneExist = Criteria(key) },
            };
            return new Bundle { Type = Bundle.BundleType.Transaction, Entry = [entry] };
        }

        var responses = await Task.WhenAll(Enumerable.Range(0, Parallel)
            .Select(_ => Task.Run(() => _service.ProcessBundleAsync(Transaction(), ServiceFixture.Context, default))));

        Assert.Single(responses, r => r.Entry[0].Response!.Status == "201 Created");
        Assert.Single(await MatchesAsync(_service, "Patient", key));
    }

    [Fact]
    public async Task ParallelUpdates_EachWriteAVersion()
    {
        var created = await _service.CreateAsync("Patient", Patient(NewKey()), null, default);

        await Task.WhenAll(Enumerable.Range(0, Parallel)
            .Select(_ => Task.Run(() => _service.UpdateAsync("Patient", created.Stored.Id, created.Resource!, null, default))));

        Assert.Equal(Parallel + 1, (await _service.ReadAsync("Patient", created.Stored.Id, null, default)).Stored.Version);
    }
}
