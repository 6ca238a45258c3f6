using FhirBridge.Core.Errors;
using FhirBridge.Core.Operations;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;
using static FhirBridge.Core.Tests.Operations.TestData;

namespace FhirBridge.Core.Tests.Operations;

public sealed class SearchTests(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    private readonly ResourceService _service = fixture.Service;

    [Fact]
    public async Task Search_Matches_AreSearchsetEntriesWithFullUrls()
    {
        var key = NewKey();
        var created = await _service.CreateAsync("Patient", Patient(key), null, default);

        var result = await _service.SearchAsync("Patient", ByKey(key), ServiceFixture.Context, default);

        Assert.Equal(Bundle.BundleType.Searchset, result.Bundle.Type);
        var entry = Assert.Single(result.Bundle.Entry);
        Assert.Equal($"http://localhost:8080/fhir/Patient/{created.Stored.Id}", entry.FullUrl);
        Assert.Equal(Bundle.SearchEntryMode.Match, entry.Search!.Mode);
        Assert.Equal(created.Stored.Id, entry.Resource!.Id);
        Assert.Empty(result.Warnings);
        Assert.Null(result.Bundle.Total);
        Assert.Equal($"http://localhost:8080/fhir/Patient?identifier={TestSystem}|{key}", Link(result.Bundle, "self"));
        Assert.Null(Link(result.Bundle, "next"));
    }

    [Fact]
    public async Task Search_UnknownParameterLenient_IsOneOutcomeEntry()
    {
        var key = NewKey();
        await _service.CreateAsync("Patient", Patient(key), null, default);

        var result = await _service.SearchAsync("Patient", ByKey(key, P("no-such-param", "1"), P("other-unknown", "2")), ServiceFixture.Context, default);

        Assert.Equal(2, result.Warnings.Count);
        var outcome = Assert.Single(result.Bundle.Entry, e => e.Search!.Mode == Bundle.SearchEntryMode.Outcome);
        Assert.Equal(2, Assert.IsType<OperationOutcome>(outcome.Resource!).Issue.Count);
        Assert.Single(result.Bundle.Entry, e => e.Search!.Mode == Bundle.SearchEntryMode.Match);
        Assert.DoesNotContain("no-such-param", Link(result.Bundle, "self"));
    }

    [Fact]
    public async Task Search_UnknownParameterStrict_IsBadRequest()
    {
        var strict = ServiceFixture.Context with { StrictHandling = true };

        await Assert.ThrowsAsync<BadRequestException>(() => _service.SearchAsync("Patient", [P("no-such-param", "1")], strict, default));
    }

    [Fact]
    public async Task Search_UnservedType_IsNotFound()
    {
        await Assert.ThrowsAsync<ResourceNotFoundException>(() => _service.SearchAsync("Medication", [], ServiceFixture.Context, default));
    }

    [Fact]
    public async Task Search_Pages_LinkNextAndPreviousWithTheSameParameters()
    {
        var key = NewKey();
        for (var i = 0; i < 3; i++)
        {
            await _service.CreateAsync("Patient", Patient(key), null, default);
        }

        var first = await _service.SearchAsync("Patient", ByKey(key, P("_count", "2")), ServiceFixture.Context, default);
        var next = Link(first.Bundle, "next");
        Assert.NotNull(next);
        Assert.Null(Link(first.Bundle, "previous"));
        Assert.Equal($"{TestSystem}|{key}", QueryValue(next, "identifier"));
        Assert.Equal("2", QueryValue(next, "_count"));

        var second = await _service.SearchAsync(
            "Patient", ByKey(key, P("_count", "2"), P("_page", QueryValue(next, "_page")!)), ServiceFixture.Context, default);

        Assert.Equal(2, first.Bundle.Entry.Count);
        Assert.Single(second.Bundle.Entry);
        Assert.Null(Link(second.Bundle, "next"));
        Assert.NotNull(Link(second.Bundle, "previous"));
        var ids = first.Bundle.Entry.Concat(second.Bundle.Entry).Select(e => e.Resource!.Id).ToHashSet();
        Assert.Equal(3, ids.Count);
    }

    [Fact]
    public async Task Search_TotalAccurate_SetsTotal()
    {
        var key = NewKey();
        await _service.CreateAsync("Patient", Patient(key), null, default);
        await _service.CreateAsync("Patient", Patient(key), null, default);

        var result = await _service.SearchAsync("Patient", ByKey(key, P("_total", "accurate"), P("_count", "1")), ServiceFixture.Context, default);

        Assert.Equal(2, result.Bundle.Total);
        Assert.Single(result.Bundle.Entry);
    }

    [Fact]
    public async Task Search_SummaryCount_HasTotalAndNoEntries()
    {
        var key = NewKey();
        await _service.CreateAsync("Patient", Patient(key), null, default);
        await _service.CreateAsync("Patient", Patient(key), null, default);

        var result = await _service.SearchAsync("Patient", ByKey(key, P("_summary", "count")), ServiceFixture.Context, default);

        Assert.Equal(2, result.Bundle.Total);
        Assert.Empty(result.Bundle.Entry);
    }

    [Fact]
    public async Task Search_SummaryTrue_KeepsSummaryElementsAndTagsSubsetted()
    {
        var key = NewKey();
        await _service.CreateAsync("Patient", Patient(key), null, default);

        var result = await _service.SearchAsync("Patient", ByKey(key, P("_summary", "true")), ServiceFixture.Context, default);

        var patient = Assert.IsType<Patient>(Assert.Single(result.Bundle.Entry).Resource);
        Assert.NotEmpty(patient.Name);
        Assert.NotEmpty(patient.Identifier);
        Assert.Null(patient.MaritalStatus);
        Assert.NotNull(patient.Id);
        Assert.Contains(patient.Meta!.Tag, t => t.System == ResourceSubsetting.SubsettedSystem && t.Code == "SUBSETTED");
    }

    [Fact]
    public async Task Search_Elements_KeepsOnlyTheListedElements()
    {
        var key = NewKey();
        await _service.CreateAsync("Patient", Patient(key), null, default);

        var result = await _service.SearchAsync("Patient", ByKey(key, P("_elements", "gender")), ServiceFixture.Context, default);

        var patient = Assert.IsType<Patient>(Assert.Single(result.Bundle.Entry).Resource);
        Assert.Equal(AdministrativeGender.Female, patient.Gender);
        Assert.Empty(patient.Name);
        Assert.Empty(patient.Identifier);
        Assert.Equal("1", patient.Meta!.VersionId);
        Assert.Contains(patient.Meta!.Tag, t => t.Code == "SUBSETTED");
    }

    [Fact]
    public async Task Search_Include_AddsIncludeEntries()
    {
        var key = NewKey();
        var patient = await _service.CreateAsync("Patient", Patient(NewKey()), null, default);
        await _service.CreateAsync("Observation", Observation(key, $"Patient/{patient.Stored.Id}"), null, default);

        var result = await _service.SearchAsync("Observation", ByKey(key, P("_include", "Observation:subject")), ServiceFixture.Context, default);

        Assert.Single(result.Bundle.Entry, e => e.Search!.Mode == Bundle.SearchEntryMode.Match && e.Resource is Observation);
        var included = Assert.Single(result.Bundle.Entry, e => e.Search!.Mode == Bundle.SearchEntryMode.Include);
        Assert.Equal($"http://localhost:8080/fhir/Patient/{patient.Stored.Id}", included.FullUrl);
    }

    [Fact]
    public async Task Search_DeletedResource_IsNotMatched()
    {
        var key = NewKey();
        var created = await _service.CreateAsync("Patient", Patient(key), null, default);
        await _service.DeleteAsync("Patient", created.Stored.Id, default);

        Assert.Empty(await MatchesAsync(_service, "Patient", key));
    }
}
