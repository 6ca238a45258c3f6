using System.Net;
using FhirBridge.Server.Tests.Infrastructure;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;
using Hl7.Fhir.Rest;

namespace FhirBridge.Server.Tests;

public abstract partial class FhirApiTests
{
    [Fact]
    public async Task Create_read_update_delete_keep_versions_and_headers()
    {
        var created = await Client.CreateAsync(FhirTest.Patient("Virtanen"));
        Assert.NotNull(created);
        Assert.Equal("1", created.Meta!.VersionId);

        var read = await Client.ReadAsync<Patient>($"Patient/{created.Id}");
        Assert.Equal("Virtanen", read!.Name[0].Family);

        read.Name[0].Family = "Korhonen";
        var updated = await Client.UpdateAsync(read);
        Assert.Equal("2", updated!.Meta!.VersionId);
        Assert.Equal("Korhonen", (await Client.ReadAsync<Patient>($"Patient/{created.Id}"))!.Name[0].Family);

        await Client.DeleteAsync($"Patient/{created.Id}");
        var gone = await Assert.ThrowsAsync<FhirOperationException>(() => Client.ReadAsync<Patient>($"Patient/{created.Id}"));
        Assert.Equal(HttpStatusCode.Gone, gone.Status);

        var version1 = await Client.ReadAsync<Patient>($"Patient/{created.Id}/_history/1");
        Assert.Equal("Virtanen", version1!.Name[0].Family);
    }

    [Fact]
    public async Task Post_returns_201_with_location_etag_and_last_modified()
    {
        var response = await Http.PostAsync("/fhir/Patient", FhirTest.Json(FhirTest.Patient("Nieminen")));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var patient = await FhirTest.ReadAsync<Patient>(response);
        Assert.Equal($"{Factory.BaseUrl}/fhir/Patient/{patient.Id}/_history/1", response.Headers.Location?.ToString());
        Assert.Equal("W/\"1\"", response.Headers.ETag?.ToString());
        Assert.NotNull(response.Content.Headers.LastModified);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
    }

    [Fact]
    public async Task Urls_are_built_on_the_host_the_client_used()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/fhir/Patient") { Content = FhirTest.Json(FhirTest.Patient("Isäntä")) };
        request.Headers.Host = "fhir.example:8443";

        var response = await Http.SendAsync(request);

        Assert.StartsWith("http://fhir.example:8443/fhir/Patient/", response.Headers.Location?.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Put_of_a_new_id_creates_it_and_a_second_put_updates_it()
    {
        var id = FhirTest.Unique();
        var patient = FhirTest.Patient("Mäkinen");
        patient.Id = id;

        var first = await Http.PutAsync($"/fhir/Patient/{id}", FhirTest.Json(patient));
        var second = await Http.PutAsync($"/fhir/Patient/{id}", FhirTest.Json(patient));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal($"{Factory.BaseUrl}/fhir/Patient/{id}/_history/1", first.Headers.Location?.ToString());
        Assert.Equal($"{Factory.BaseUrl}/fhir/Patient/{id}/_history/2", second.Content.Headers.ContentLocation?.ToString());
        Assert.Equal("W/\"2\"", second.Headers.ETag?.ToString());
        Assert.Equal("2", (await FhirTest.ReadAsync<Patient>(second)).Meta!.VersionId);
    }

    [Fact]
    public async Task Conditional_create_returns_the_existing_resource_instead_of_a_second_one()
    {
        var patient = FhirTest.Patient("Hämäläinen");
        var condition = $"identifier={FhirTest.TestIdSystem}|{patient.Identifier[0].Value}";

        var first = await Client.ConditionalCreateAsync(patient, new SearchParams().Where(condition));
        var second = await Client.ConditionalCreateAsync(patient, new SearchParams().Where(condition));

        Assert.Equal(first!.Id, second!.Id);
        Assert.Equal("1", second.Meta!.VersionId);
        var found = await Client.SearchAsync<Patient>([condition]);
        Assert.Single(found!.Entry, e => e.Search?.Mode == Bundle.SearchEntryMode.Match);
    }

    [Fact]
    public async Task Parallel_conditional_creates_make_exactly_one_resource()
    {
        var patient = FhirTest.Patient("Rinnakkainen");
        var condition = $"identifier={FhirTest.TestIdSystem}|{patient.Identifier[0].Value}";

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/fhir/Patient") { Content = FhirTest.Json(patient) };
            request.Headers.TryAddWithoutValidation("If-None-Exist", condition);
            var response = await Http.SendAsync(request);
            return (response.StatusCode, (await FhirTest.ReadAsync<Patient>(response)).Id);
        }));

        Assert.Single(results, r => r.StatusCode == HttpStatusCode.Created);
        Assert.All(results, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.Created, HttpStatusCode.OK }));
        Assert.Single(results.Select(r => r.Id).Distinct());
    }

    [Fact]
    public async Task Conditional_update_creates_then_updates_the_single_match()
    {
        var patient = FhirTest.Patient("Laine");
        var criteria = new SearchParams().Where($"identifier={FhirTest.TestIdSystem}|{patient.Identifier[0].Value}");

        var created = await Client.ConditionalUpdateAsync(patient, criteria);
        patient.Name[0].Family = "Heikkinen";
        var updated = await Client.ConditionalUpdateAsync(patient, criteria);

        Assert.Equal(created!.Id, updated!.Id);
        Assert.Equal("2", updated.Meta!.VersionId);
        Assert.Equal("Heikkinen", updated.Name[0].Family);
    }

    [Fact]
    public async Task Conditional_update_without_criteria_is_400()
    {
        var response = await Http.PutAsync("/fhir/Patient", FhirTest.Json(FhirTest.Patient("Koskinen")));

        await FhirTest.AssertOutcomeAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Update_with_matching_if_match_succeeds_and_stale_if_match_is_412()
    {
        var created = await Client.CreateAsync(FhirTest.Patient("Järvinen"));

        var current = new HttpRequestMessage(HttpMethod.Put, $"/fhir/Patient/{created!.Id}") { Content = FhirTest.Json(created) };
        current.Headers.TryAddWithoutValidation("If-Match", "W/\"1\"");
        Assert.Equal(HttpStatusCode.OK, (await Http.SendAsync(current)).StatusCode);

        var stale = new HttpRequestMessage(HttpMethod.Put, $"/fhir/Patient/{created.Id}") { Content = FhirTest.Json(created) };
        stale.Headers.TryAddWithoutValidation("If-Match", "W/\"1\"");
        await FhirTest.AssertOutcomeAsync(await Http.SendAsync(stale), HttpStatusCode.PreconditionFailed);

        Assert.Equal("2", (await Client.ReadAsync<Patient>($"Patient/{created.Id}"))!.Meta!.VersionId);
    }

    [Fact]
    public async Task Malformed_if_match_is_400()
    {
        var created = await Client.CreateAsync(FhirTest.Patient("Lehtonen"));
        var request = new HttpRequestMessage(HttpMethod.Put, $"/fhir/Patient/{created!.Id}") { Content = FhirTest.Json(created) };
        request.Headers.TryAddWithoutValidation("If-Match", "version-one");

        await FhirTest.AssertOutcomeAsync(await Http.SendAsync(request), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Read_with_current_etag_or_last_modified_is_304_without_body()
    {
        var created = await Http.PostAsync("/fhir/Patient", FhirTest.Json(FhirTest.Patient("Saarinen")));
        var id = (await FhirTest.ReadAsync<Patient>(created)).Id;

        var byEtag = new HttpRequestMessage(HttpMethod.Get, $"/fhir/Patient/{id}");
        byEtag.Headers.TryAddWithoutValidation("If-None-Match", "W/\"1\"");
        var notModified = await Http.SendAsync(byEtag);

        var byDate = new HttpRequestMessage(HttpMethod.Get, $"/fhir/Patient/{id}");
        byDate.Headers.IfModifiedSince = created.Content.Headers.LastModified;
        var notModifiedSince = await Http.SendAsync(byDate);

        var otherEtag = new HttpRequestMessage(HttpMethod.Get, $"/fhir/Patient/{id}");
        otherEtag.Headers.TryAddWithoutValidation("If-None-Match", "W/\"7\"");
        var modified = await Http.SendAsync(otherEtag);

        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.NotModified, notModifiedSince.StatusCode);
        Assert.Equal(HttpStatusCode.OK, modified.StatusCode);
    }

    [Theory]
    [InlineData("return=minimal", null)]
    [InlineData("return=representation", "Patient")]
    [InlineData("return=OperationOutcome", "OperationOutcome")]
    public async Task Prefer_return_selects_the_body_of_a_create(string prefer, string? bodyType)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/fhir/Patient") { Content = FhirTest.Json(FhirTest.Patient("Salminen")) };
        request.Headers.TryAddWithoutValidation("Prefer", prefer);

        var response = await Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.NotNull(response.Headers.Location);
        var body = await response.Content.ReadAsStringAsync();
        if (bodyType is null)
        {
            Assert.Empty(body);
        }
        else
        {
            Assert.Equal(bodyType, FhirBridge.Core.Fhir.FhirSerializer.ParseJson(body).TypeName);
        }
    }

    [Fact]
    public async Task Delete_is_204_and_later_read_is_410_with_outcome()
    {
        var created = await Client.CreateAsync(FhirTest.Patient("Turunen"));

        var deleted = await Http.DeleteAsync($"/fhir/Patient/{created!.Id}");
        var deletedAgain = await Http.DeleteAsync($"/fhir/Patient/{created.Id}");

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, deletedAgain.StatusCode);
        await FhirTest.AssertOutcomeAsync(await Http.GetAsync($"/fhir/Patient/{created.Id}"), HttpStatusCode.Gone);
    }

    [Fact]
    public async Task Unknown_id_and_unknown_version_are_404_with_outcome()
    {
        var created = await Client.CreateAsync(FhirTest.Patient("Heinonen"));

        await FhirTest.AssertOutcomeAsync(await Http.GetAsync($"/fhir/Patient/{FhirTest.Unique()}"), HttpStatusCode.NotFound);
        await FhirTest.AssertOutcomeAsync(await Http.GetAsync($"/fhir/Patient/{created!.Id}/_history/9"), HttpStatusCode.NotFound);
        await FhirTest.AssertOutcomeAsync(await Http.GetAsync($"/fhir/Patient/{created.Id}/_history/first"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task History_lists_every_version_at_instance_type_and_system_level()
    {
        var created = await Client.CreateAsync(FhirTest.Patient("Rantanen"));
        created!.Name[0].Family = "Niemi";
        await Client.UpdateAsync(created);
        await Client.DeleteAsync($"Patient/{created.Id}");

        var instance = await Client.HistoryAsync($"Patient/{created.Id}");
        Assert.Equal(Bundle.BundleType.History, instance!.Type);
        Assert.Equal(["3", "2", "1"], instance.Entry.Select(e => e.Response!.Etag!.Trim('W', '/', '"')));
        Assert.Null(instance.Entry[0].Resource);
        Assert.Equal(Bundle.HTTPVerb.DELETE, instance.Entry[0].Request!.Method);

        var type = await Client.TypeHistoryAsync<Patient>();
        Assert.Equal(Bundle.BundleType.History, type!.Type);
        Assert.NotEmpty(type.Entry);
        Assert.All(type.Entry, e => Assert.StartsWith("Patient", e.Request!.Url));

        var system = await Client.WholeSystemHistoryAsync();
        Assert.Equal(Bundle.BundleType.History, system!.Type);
        Assert.NotEmpty(system.Entry);
    }
}
