using FhirBridge.Core.Errors;
using FhirBridge.Core.Operations;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;
using static FhirBridge.Core.Tests.Operations.TestData;

namespace FhirBridge.Core.Tests.Operations;

public sealed class HistoryTests(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    private readonly ResourceService _service = fixture.Service;

    private async Task<string> CreateUpdateDeleteAsync()
    {
        var created = await _service.CreateAsync("Patient", Patient(NewKey()), null, default);
        await _service.UpdateAsync("Patient", created.Stored.Id, created.Resource!, null, default);
        await _service.DeleteAsync("Patient", created.Stored.Id, default);
        return created.Stored.Id;
    }

    [Fact]
    public async Task InstanceHistory_OfADeletedResource_ListsEveryVersionNewestFirst()
    {
        var id = await CreateUpdateDeleteAsync();

        var bundle = await _service.HistoryAsync("Patient", id, [], ServiceFixture.Context, default);

        Assert.Equal(Bundle.BundleType.History, bundle.Type);
        Assert.Equal(3, bundle.Entry.Count);
        Assert.All(bundle.Entry, e => Assert.Equal($"http://localhost:8080/fhir/Patient/{id}", e.FullUrl));
        Assert.Equal([Bundle.HTTPVerb.DELETE, Bundle.HTTPVerb.PUT, Bundle.HTTPVerb.POST], bundle.Entry.Select(e => e.Request!.Method!.Value));
        Assert.Equal([$"Patient/{id}", $"Patient/{id}", "Patient"], bundle.Entry.Select(e => e.Request!.Url));
        Assert.Equal(["W/\"3\"", "W/\"2\"", "W/\"1\""], bundle.Entry.Select(e => e.Response!.Etag));
        Assert.Equal(["204 No Content", "200 OK", "201 Created"], bundle.Entry.Select(e => e.Response!.Status));
        Assert.Null(bundle.Entry[0].Resource);
        Assert.Equal("2", bundle.Entry[1].Resource!.Meta!.VersionId);
        Assert.All(bundle.Entry, e => Assert.NotNull(e.Response!.LastModified));
        Assert.Equal($"http://localhost:8080/fhir/Patient/{id}/_history", Link(bundle, "self"));
    }

    [Fact]
    public async Task InstanceHistory_UnknownId_IsNotFound()
    {
        await Assert.ThrowsAsync<ResourceNotFoundException>(() => _service.HistoryAsync("Patient", NewKey(), [], ServiceFixture.Context, default));
    }

    [Fact]
    public async Task History_UnservedType_IsNotFound()
    {
        await Assert.ThrowsAsync<ResourceNotFoundException>(() => _service.HistoryAsync("Medication", null, [], ServiceFixture.Context, default));
    }

    [Fact]
    public async Task InstanceHistory_Count_PagesWithNextLink()
    {
        var id = await CreateUpdateDeleteAsync();

        var first = await _service.HistoryAsync("Patient", id, [P("_count", "2")], ServiceFixture.Context, default);
        var next = Link(first, "next");
        Assert.NotNull(next);
        Assert.StartsWith($"http://localhost:8080/fhir/Patient/{id}/_history?", next);
        Assert.Equal("2", QueryValue(next, "_count"));
        var second = await _service.HistoryAsync("Patient", id, [P("_count", "2"), P("_page", QueryValue(next, "_page")!)], ServiceFixture.Context, default);

        Assert.Equal(["3", "2"], first.Entry.Select(e => e.Response!.Etag!.Trim('W', '/', '"')));
        Assert.Equal("W/\"1\"", Assert.Single(second.Entry).Response!.Etag);
        Assert.NotNull(Link(second, "previous"));
    }

    [Fact]
    public async Task TypeHistory_Since_LeavesOutOlderVersions()
    {
        var older = await _service.CreateAsync("Patient", Patient(NewKey()), null, default);
        await Task.Delay(20);
        var newer = await _service.CreateAsync("Patient", Patient(NewKey()), null, default);

        var bundle = await _service.HistoryAsync(
            "Patient", null, [P("_since", newer.Stored.LastUpdated.ToString("o")), P("_count", "50")], ServiceFixture.Context, default);

        var ids = bundle.Entry.Select(e => e.Resource?.Id).ToList();
        Assert.Contains(newer.Stored.Id, ids);
        Assert.DoesNotContain(older.Stored.Id, ids);
        Assert.All(bundle.Entry, e => Assert.StartsWith("http://localhost:8080/fhir/Patient/", e.FullUrl));
    }

    [Fact]
    public async Task SystemHistory_CoversEveryType()
    {
        var since = DateTimeOffset.UtcNow.AddSeconds(-1).ToString("o");
        var patient = await _service.CreateAsync("Patient", Patient(NewKey()), null, default);
        var observation = await _service.CreateAsync("Observation", Observation(NewKey(), $"Patient/{patient.Stored.Id}"), null, default);

        var bundle = await _service.HistoryAsync(null, null, [P("_since", since), P("_count", "50")], ServiceFixture.Context, default);

        Assert.Contains(bundle.Entry, e => e.FullUrl!.EndsWith($"/Patient/{patient.Stored.Id}", StringComparison.Ordinal));
        Assert.Contains(bundle.Entry, e => e.FullUrl!.EndsWith($"/Observation/{observation.Stored.Id}", StringComparison.Ordinal));
        Assert.StartsWith("http://localhost:8080/fhir/_history?", Link(bundle, "self"));
    }

    [Theory]
    [InlineData("_since", "yesterday")]
    [InlineData("_count", "0")]
    [InlineData("_count", "many")]
    public async Task History_MalformedParameter_IsBadRequest(string name, string value)
    {
        await Assert.ThrowsAsync<BadRequestException>(() => _service.HistoryAsync("Patient", null, [P(name, value)], ServiceFixture.Context, default));
    }

    [Fact]
    public async Task History_UnknownParameter_IsIgnoredUnlessStrict()
    {
        var id = await CreateUpdateDeleteAsync();
        var strict = ServiceFixture.Context with { StrictHandling = true };

        var lenient = await _service.HistoryAsync("Patient", id, [P("whatever", "1")], ServiceFixture.Context, default);

        Assert.Equal(3, lenient.Entry.Count);
        await Assert.ThrowsAsync<BadRequestException>(() => _service.HistoryAsync("Patient", id, [P("whatever", "1")], strict, default));
    }
}
