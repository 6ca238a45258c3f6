using System.Net;
using FhirBridge.Core.Errors;
using FhirBridge.Core.Operations;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;
using static FhirBridge.Core.Tests.Operations.TestData;

namespace FhirBridge.Core.Tests.Operations;

public sealed class TransactionTests(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    private readonly ResourceService _service = fixture.Service;

    private static Bundle Transaction(params Bundle.EntryComponent[] entries) => new() { Type = Bundle.BundleType.Transaction, Entry = [.. entries] };

    private static Bundle.EntryComponent Entry(Bundle.HTTPVerb method, string url, Resource? resource = null, string? fullUrl = null) =>
        new() { FullUrl = fullUrl, Resource = resource, Request = new Bundle.RequestComponent { Method = method, Url = url } };

    private Task<Bundle> RunAsync(Bundle bundle, RequestContext? context = null) =>
        _service.ProcessBundleAsync(bundle, context ?? ServiceFixture.Context, default);

    private static async Task<FhirException> FailsAsync(HttpStatusCode status, Func<Task> action)
    {
        var e = await Assert.ThrowsAnyAsync<FhirException>(action);
        Assert.Equal(status, e.Status);
        return e;
    }

    private async Task<string> CreatePatientAsync(string key) => (await _service.CreateAsync("Patient", Patient(key), null, default)).Stored.Id;

    [Fact]
    public async Task Transaction_UrnUuidFullUrls_AreRewrittenInEveryReference()
    {
        var key = NewKey();
        var patientUrl = $"urn:uuid:{Guid.NewGuid()}";
        var encounterUrl = $"urn:uuid:{Guid.NewGuid()}";
        var observation = Observation(key, patientUrl);
        observation.Encounter = new ResourceReference(encounterUrl);
        observation.Performer = [new ResourceReference(patientUrl)];
        observation.Extension = [new Extension("http://example.org/ext", new ResourceReference(encounterUrl))];
        var encounter = new Encounter
        {
            Status = Encounter.EncounterStatus.Finished,
            Class = new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB"),
            Subject = new ResourceReference(patientUrl),
            Participant = [new Encounter.ParticipantComponent { Individual = new ResourceReference("Practitioner/p1") }],
        };

        var response = await RunAsync(Transaction(
            Entry(Bundle.HTTPVerb.POST, "Observation", observation, $"urn:uuid:{Guid.NewGuid()}"),
            Entry(Bundle.HTTPVerb.POST, "Patient", Patient(key), patientUrl),
            Entry(Bundle.HTTPVerb.POST, "Encounter", encounter, encounterUrl)));

        Assert.Equal(Bundle.BundleType.TransactionResponse, response.Type);
        Assert.Equal(3, response.Entry.Count);
        Assert.All(response.Entry, e => Assert.Equal("201 Created", e.Response!.Status));
        var storedObservation = Assert.IsType<Observation>(response.Entry[0].Resource);
        var patientId = Assert.IsType<Patient>(response.Entry[1].Resource!).Id;
        var encounterId = Assert.IsType<Encounter>(response.Entry[2].Resource!).Id;
        Assert.Equal($"Patient/{patientId}/_history/1", response.Entry[1].Response!.Location);
        Assert.Equal("W/\"1\"", response.Entry[1].Response!.Etag);
        Assert.Equal($"http://localhost:8080/fhir/Patient/{patientId}", response.Entry[1].FullUrl);

        var read = (Observation)(await _service.ReadAsync("Observation", storedObservation.Id!, null, default)).Resource!;
        Assert.Equal($"Patient/{patientId}", read.Subject!.Reference);
        Assert.Equal($"Patient/{patientId}", read.Performer[0].Reference);
        Assert.Equal($"Encounter/{encounterId}", read.Encounter!.Reference);
        Assert.Equal($"Encounter/{encounterId}", Assert.IsType<ResourceReference>(read.Extension[0].Value).Reference);
        var readEncounter = (Encounter)(await _service.ReadAsync("Encounter", encounterId!, null, default)).Resource!;
        Assert.Equal($"Patient/{patientId}", readEncounter.Subject!.Reference);
        Assert.Equal("Practitioner/p1", readEncounter.Participant[0].Individual!.Reference);
    }

    [Fact]
    public async Task Transaction_SearchByRewrittenReference_FindsTheNewResource()
    {
        var key = NewKey();
        var patientUrl = $"urn:uuid:{Guid.NewGuid()}";

        var response = await RunAsync(Transaction(
            Entry(Bundle.HTTPVerb.POST, "Patient", Patient(key), patientUrl),
            Entry(Bundle.HTTPVerb.POST, "Observation", Observation(key, patientUrl))));

        var patientId = response.Entry[0].Resource!.Id;
        var found = await _service.SearchAsync("Observation", [P("subject", $"Patient/{patientId}")], ServiceFixture.Context, default);
        Assert.Single(found.Bundle.Entry);
    }

    [Fact]
    public async Task Transaction_FailingEntry_StoresNothing()
    {
        var key = NewKey();
        var existing = await _service.CreateAsync("Patient", Patient(NewKey()), null, default);
        var doomed = await CreatePatientAsync(NewKey());
        var stale = Entry(Bundle.HTTPVerb.PUT, $"Patient/{existing.Stored.Id}", existing.Resource);
        stale.Request!.IfMatch = "W/\"7\"";

        var e = await FailsAsync(HttpStatusCode.PreconditionFailed, () => RunAsync(Transaction(
            Entry(Bundle.HTTPVerb.POST, "Patient", Patient(key)),
            Entry(Bundle.HTTPVerb.DELETE, $"Patient/{doomed}"),
            stale)));

        Assert.Equal("Bundle.entry[2]", Assert.Single(e.Issues).Expression.Single());
        Assert.Empty(await MatchesAsync(_service, "Patient", key));
        Assert.Equal(1, (await _service.ReadAsync("Patient", existing.Stored.Id, null, default)).Stored.Version);
        Assert.Equal(1, (await _service.ReadAsync("Patient", doomed, null, default)).Stored.Version);
    }

    [Fact]
    public async Task Transaction_EntryWithoutResource_IsBadRequestNamingTheEntry()
    {
        var key = NewKey();

        var e = await FailsAsync(HttpStatusCode.BadRequest, () => RunAsync(Transaction(
            Entry(Bundle.HTTPVerb.POST, "Patient", Patient(key)),
            Entry(Bundle.HTTPVerb.POST, "Patient"))));

        Assert.Equal("Bundle.entry[1].resource", Assert.Single(e.Issues).Expression.Single());
        Assert.Empty(await MatchesAsync(_service, "Patient", key));
    }

    [Fact]
    public async Task Transaction_EntryWithoutMethodOrUrl_IsBadRequestNamingTheEntry()
    {
        var noMethod = new Bundle.EntryComponent { Resource = Patient(NewKey()), Request = new Bundle.RequestComponent { Url = "Patient" } };
        var noUrl = Entry(Bundle.HTTPVerb.POST, "", Patient(NewKey()));

        var e1 = await FailsAsync(HttpStatusCode.BadRequest, () => RunAsync(Transaction(Entry(Bundle.HTTPVerb.GET, "Patient"), noMethod)));
        var e2 = await FailsAsync(HttpStatusCode.BadRequest, () => RunAsync(Transaction(noUrl)));

        Assert.Equal("Bundle.entry[1].request.method", e1.Issues[0].Expression.Single());
        Assert.Equal("Bundle.entry[0].request.url", e2.Issues[0].Expression.Single());
    }

    [Fact]
    public async Task Transaction_UnservedTypeInAnEntry_IsNotFoundNamingTheEntry()
    {
        var e = await FailsAsync(HttpStatusCode.NotFound, () => RunAsync(Transaction(Entry(Bundle.HTTPVerb.POST, "Medication", new Medication()))));

        Assert.Equal("Bundle.entry[0]", e.Issues[0].Expression.Single());
    }

    [Fact]
    public async Task Bundle_OfAnotherType_IsBadRequest()
    {
        var bundle = new Bundle { Type = Bundle.BundleType.Collection };

        var e = await FailsAsync(HttpStatusCode.BadRequest, () => RunAsync(bundle));

        Assert.Equal("Bundle.type", e.Issues[0].Expression.Single());
    }

    [Fact]
    public async Task Transaction_Patch_IsMethodNotAllowed()
    {
        await FailsAsync(HttpStatusCode.MethodNotAllowed, () => RunAsync(Transaction(Entry(Bundle.HTTPVerb.PATCH, "Patient/x", new Parameters()))));
    }

    [Fact]
    public async Task Transaction_ProcessesDeletesThenCreatesThenUpdatesThenReads()
    {
        var key = NewKey();
        var doomed = await CreatePatientAsync(key);
        var kept = await _service.CreateAsync("Patient", Patient(NewKey()), null, default);
        var update = (Patient)kept.Resource!.DeepCopy();
        update.Active = true;
        var conditionalCreate = Entry(Bundle.HTTPVerb.POST, "Patient", Patient(key));
        conditionalCreate.Request!.IfNoneExist = Criteria(key);

        var response = await RunAsync(Transaction(
            Entry(Bundle.HTTPVerb.GET, $"Patient/{kept.Stored.Id}"),
            Entry(Bundle.HTTPVerb.PUT, $"Patient/{kept.Stored.Id}", update),
            conditionalCreate,
            Entry(Bundle.HTTPVerb.DELETE, $"Patient/{doomed}")));

        // The GET ran after the PUT, the conditional create after the DELETE of its only match.
        Assert.Equal("W/\"2\"", response.Entry[0].Response!.Etag);
        Assert.True(((Patient)response.Entry[0].Resource!).Active);
        Assert.Equal("200 OK", response.Entry[1].Response!.Status);
        Assert.Equal("201 Created", response.Entry[2].Response!.Status);
        Assert.NotEqual(doomed, response.Entry[2].Resource!.Id);
        Assert.Equal("204 No Content", response.Entry[3].Response!.Status);
        await Assert.ThrowsAsync<ResourceGoneException>(() => _service.ReadAsync("Patient", doomed, null, default));
    }

    [Fact]
    public async Task Transaction_ConditionalCreateMatch_ReturnsItAndReferencesPointToIt()
    {
        var key = NewKey();
        var existing = await CreatePatientAsync(key);
        var patientUrl = $"urn:uuid:{Guid.NewGuid()}";
        var conditional = Entry(Bundle.HTTPVerb.POST, "Patient", Patient(key), patientUrl);
        conditional.Request!.IfNoneExist = Criteria(key);

        var response = await RunAsync(Transaction(conditional, Entry(Bundle.HTTPVerb.POST, "Observation", Observation(key, patientUrl))));

        Assert.Equal("200 OK", response.Entry[0].Response!.Status);
        Assert.Equal(existing, response.Entry[0].Resource!.Id);
        Assert.Equal($"Patient/{existing}", ((Observation)response.Entry[1].Resource!).Subject!.Reference);
        Assert.Single(await MatchesAsync(_service, "Patient", key));
    }

    [Fact]
    public async Task Transaction_ConditionalCreateSeveralMatches_FailsTheTransaction()
    {
        var key = NewKey();
        await CreatePatientAsync(key);
        await CreatePatientAsync(key);
        var conditional = Entry(Bundle.HTTPVerb.POST, "Patient", Patient(key));
        conditional.Request!.IfNoneExist = Criteria(key);
        var other = NewKey();

        var e = await FailsAsync(HttpStatusCode.PreconditionFailed, () => RunAsync(Transaction(Entry(Bundle.HTTPVerb.POST, "Patient", Patient(other)), conditional)));

        Assert.Empty(await MatchesAsync(_service, "Patient", other));
    }

    [Fact]
    public async Task Transaction_ConditionalUpdate_UpdatesTheMatch()
    {
        var key = NewKey();
        var existing = await CreatePatientAsync(key);

        var response = await RunAsync(Transaction(Entry(Bundle.HTTPVerb.PUT, $"Patient?{Criteria(key)}", Patient(key, "Korhonen"))));

        Assert.Equal("200 OK", response.Entry[0].Response!.Status);
        Assert.Equal($"Patient/{existing}/_history/2", response.Entry[0].Response!.Location);
        var read = (Patient)(await _service.ReadAsync("Patient", existing, null, default)).Resource!;
        Assert.Equal("Korhonen", read.Name[0].Family);
    }

    [Fact]
    public async Task Transaction_ConditionalDelete_DeletesTheMatch()
    {
        var key = NewKey();
        var existing = await CreatePatientAsync(key);

        var response = await RunAsync(Transaction(Entry(Bundle.HTTPVerb.DELETE, $"Patient?{Criteria(key)}")));

        Assert.Equal("204 No Content", response.Entry[0].Response!.Status);
        await Assert.ThrowsAsync<ResourceGoneException>(() => _service.ReadAsync("Patient", existing, null, default));
    }

    [Fact]
    public async Task Transaction_ConditionalReference_ResolvesToTheSingleMatch()
    {
        var key = NewKey();
        var existing = await CreatePatientAsync(key);

        var response = await RunAsync(Transaction(Entry(Bundle.HTTPVerb.POST, "Observation", Observation(NewKey(), $"Patient?{Criteria(key)}"))));

        Assert.Equal($"Patient/{existing}", ((Observation)response.Entry[0].Resource!).Subject!.Reference);
    }

    [Fact]
    public async Task Transaction_ConditionalReferenceWithNoOrSeveralMatches_IsPreconditionFailed()
    {
        var none = NewKey();
        var twice = NewKey();
        await CreatePatientAsync(twice);
        await CreatePatientAsync(twice);
        var observationKey = NewKey();

        var e1 = await FailsAsync(HttpStatusCode.PreconditionFailed, () =>
            RunAsync(Transaction(Entry(Bundle.HTTPVerb.POST, "Observation", Observation(observationKey, $"Patient?{Criteria(none)}")))));
        var e2 = await FailsAsync(HttpStatusCode.PreconditionFailed, () =>
            RunAsync(Transaction(Entry(Bundle.HTTPVerb.POST, "Observation", Observation(observationKey, $"Patient?{Criteria(twice)}")))));

        Assert.Empty(await MatchesAsync(_service, "Observation", observationKey));
    }

    [Fact]
    public async Task Transaction_TwoEntriesWritingOneResource_IsBadRequest()
    {
        var id = "dup-" + NewKey();
        var patient = Patient(NewKey());
        patient.Id = id;

        await FailsAsync(HttpStatusCode.BadRequest, () => RunAsync(Transaction(
            Entry(Bundle.HTTPVerb.PUT, $"Patient/{id}", patient),
            Entry(Bundle.HTTPVerb.PUT, $"Patient/{id}", patient))));
        await Assert.ThrowsAsync<ResourceNotFoundException>(() => _service.ReadAsync("Patient", id, null, default));
    }

    [Fact]
    public async Task Transaction_UrnUuidReferenceToNoEntry_IsBadRequest()
    {
        var key = NewKey();

        await FailsAsync(HttpStatusCode.BadRequest, () =>
            RunAsync(Transaction(Entry(Bundle.HTTPVerb.POST, "Observation", Observation(key, $"urn:uuid:{Guid.NewGuid()}")))));
        Assert.Empty(await MatchesAsync(_service, "Observation", key));
    }

    [Fact]
    public async Task Transaction_PutWithClientId_CreatesAndUpdates()
    {
        var id = "tx-" + NewKey();
        var patient = Patient(NewKey());
        patient.Id = id;

        var first = await RunAsync(Transaction(Entry(Bundle.HTTPVerb.PUT, $"Patient/{id}", patient)));
        var second = await RunAsync(Transaction(Entry(Bundle.HTTPVerb.PUT, $"http://localhost:8080/fhir/Patient/{id}", patient)));

        Assert.Equal("201 Created", first.Entry[0].Response!.Status);
        Assert.Equal("200 OK", second.Entry[0].Response!.Status);
        Assert.Equal($"Patient/{id}/_history/2", second.Entry[0].Response!.Location);
    }

    [Fact]
    public async Task Transaction_PutWithOtherBodyId_IsBadRequest()
    {
        var patient = Patient(NewKey());
        patient.Id = "other";

        var e = await FailsAsync(HttpStatusCode.BadRequest, () => RunAsync(Transaction(Entry(Bundle.HTTPVerb.PUT, "Patient/mine", patient))));

        Assert.Equal("Bundle.entry[0].resource.id", e.Issues[0].Expression.Single());
    }

    [Fact]
    public async Task Transaction_GetSearchAndHistory_ReturnBundles()
    {
        var key = NewKey();
        var id = await CreatePatientAsync(key);

        var response = await RunAsync(Transaction(
            Entry(Bundle.HTTPVerb.GET, $"Patient?{Criteria(key)}"),
            Entry(Bundle.HTTPVerb.GET, $"Patient/{id}/_history"),
            Entry(Bundle.HTTPVerb.GET, $"Patient/{id}/_history/1")));

        Assert.Equal(id, Assert.Single(Assert.IsType<Bundle>(response.Entry[0].Resource!).Entry).Resource!.Id);
        Assert.Equal(Bundle.BundleType.History, Assert.IsType<Bundle>(response.Entry[1].Resource!).Type);
        Assert.Equal("W/\"1\"", response.Entry[2].Response!.Etag);
        Assert.All(response.Entry, e => Assert.Equal("200 OK", e.Response!.Status));
    }

    [Fact]
    public async Task Transaction_Head_AnswersWithoutTheResource()
    {
        var id = await CreatePatientAsync(NewKey());

        var response = await RunAsync(Transaction(Entry(Bundle.HTTPVerb.HEAD, $"Patient/{id}")));

        Assert.Null(response.Entry[0].Resource);
        Assert.Equal("W/\"1\"", response.Entry[0].Response!.Etag);
    }

    [Theory]
    [InlineData("Patient/a/_history/x")]
    [InlineData("Patient/a/b/c/d")]
    [InlineData("http://elsewhere.org/fhir/Patient/a")]
    public async Task Transaction_UnsupportedUrl_IsBadRequestNamingTheUrl(string url)
    {
        var e = await FailsAsync(HttpStatusCode.BadRequest, () => RunAsync(Transaction(Entry(Bundle.HTTPVerb.GET, url))));

        Assert.Equal("Bundle.entry[0].request.url", e.Issues[0].Expression.Single());
    }

    [Fact]
    public async Task Transaction_MalformedIfMatch_IsBadRequest()
    {
        var patient = Patient(NewKey());
        patient.Id = "im-" + NewKey();
        var entry = Entry(Bundle.HTTPVerb.PUT, $"Patient/{patient.Id}", patient);
        entry.Request!.IfMatch = "soon";

        var e = await FailsAsync(HttpStatusCode.BadRequest, () => RunAsync(Transaction(entry)));

        Assert.Equal("Bundle.entry[0].request.ifMatch", e.Issues[0].Expression.Single());
    }

    [Fact]
    public async Task Transaction_GetUnknown_FailsTheTransaction()
    {
        var key = NewKey();

        var e = await FailsAsync(HttpStatusCode.NotFound, () => RunAsync(Transaction(
            Entry(Bundle.HTTPVerb.POST, "Patient", Patient(key)),
            Entry(Bundle.HTTPVerb.GET, $"Patient/{NewKey()}"))));

        Assert.Empty(await MatchesAsync(_service, "Patient", key));
    }

    [Fact]
    public async Task Transaction_PreferMinimalOrOutcome_LeavesOutTheResource()
    {
        var minimal = await RunAsync(
            Transaction(Entry(Bundle.HTTPVerb.POST, "Patient", Patient(NewKey()))),
            ServiceFixture.Context with { Return = ReturnPreference.Minimal });
        var outcome = await RunAsync(
            Transaction(Entry(Bundle.HTTPVerb.POST, "Patient", Patient(NewKey()))),
            ServiceFixture.Context with { Return = ReturnPreference.OperationOutcome });

        Assert.Null(minimal.Entry[0].Resource);
        Assert.NotNull(minimal.Entry[0].Response!.Location);
        Assert.Null(outcome.Entry[0].Resource);
        Assert.NotNull(outcome.Entry[0].Response!.Outcome);
    }
}
