using FhirBridge.Core.Errors;
using FhirBridge.Core.Operations;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;
using static FhirBridge.Core.Tests.Operations.TestData;

namespace FhirBridge.Core.Tests.Operations;

public sealed class CrudTests(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    private readonly ResourceService _service = fixture.Service;

    [Fact]
    public async Task Create_NewResource_AssignsIdVersionOneAndMeta()
    {
        var patient = Patient(NewKey());
        patient.Id = "client-chosen";

        var result = await _service.CreateAsync("Patient", patient, null, default);

        Assert.True(result.Created);
        Assert.Equal(1, result.Stored.Version);
        Assert.Matches("^[0-9a-f]{32}$", result.Stored.Id);
        Assert.Equal(result.Stored.Id, result.Resource!.Id);
        Assert.Equal("1", result.Resource.Meta!.VersionId);
        Assert.Equal(result.Stored.LastUpdated, result.Resource.Meta!.LastUpdated);
        Assert.Contains("\"versionId\":\"1\"", result.Stored.Json);
        Assert.Equal("client-chosen", patient.Id);
        Assert.Null(patient.Meta);

        var read = await _service.ReadAsync("Patient", result.Stored.Id, null, default);
        Assert.Equal(result.Stored.Json, read.Stored.Json);
        Assert.Equal(result.Stored.LastUpdated, read.Stored.LastUpdated);
    }

    [Fact]
    public async Task Create_UnservedType_IsNotFound()
    {
        await Assert.ThrowsAsync<ResourceNotFoundException>(() => _service.CreateAsync("Medication", new Medication(), null, default));
    }

    [Fact]
    public async Task Create_BodyOfAnotherType_IsBadRequest()
    {
        var e = await Assert.ThrowsAsync<BadRequestException>(() => _service.CreateAsync("Observation", Patient(NewKey()), null, default));
        Assert.Contains("Patient", e.Message);
    }

    [Fact]
    public async Task ConditionalCreate_NoMatch_Creates()
    {
        var key = NewKey();

        var result = await _service.CreateAsync("Patient", Patient(key), Criteria(key), default);

        Assert.True(result.Created);
        Assert.Single(await MatchesAsync(_service, "Patient", key));
    }

    [Fact]
    public async Task ConditionalCreate_OneMatch_ReturnsItWithoutCreating()
    {
        var key = NewKey();
        var first = await _service.CreateAsync("Patient", Patient(key), null, default);

        var second = await _service.CreateAsync("Patient", Patient(key, "Other"), Criteria(key), default);

        Assert.False(second.Created);
        Assert.Equal(first.Stored.Id, second.Stored.Id);
        Assert.Equal(1, second.Stored.Version);
        Assert.Equal("Virtanen", ((Patient)second.Resource!).Name[0].Family);
        Assert.Single(await MatchesAsync(_service, "Patient", key));
    }

    [Fact]
    public async Task ConditionalCreate_CriteriaWithTypePrefix_MatchesLikeWithout()
    {
        var key = NewKey();
        var first = await _service.CreateAsync("Patient", Patient(key), $"Patient?{Criteria(key)}", default);

        var second = await _service.CreateAsync("Patient", Patient(key), $"Patient?{Criteria(key)}", default);

        Assert.True(first.Created);
        Assert.False(second.Created);
        Assert.Equal(first.Stored.Id, second.Stored.Id);
    }

    [Fact]
    public async Task ConditionalCreate_SeveralMatches_IsPreconditionFailed()
    {
        var key = NewKey();
        await _service.CreateAsync("Patient", Patient(key), null, default);
        await _service.CreateAsync("Patient", Patient(key), null, default);

        await Assert.ThrowsAsync<PreconditionFailedException>(() => _service.CreateAsync("Patient", Patient(key), Criteria(key), default));
        Assert.Equal(2, (await MatchesAsync(_service, "Patient", key)).Count);
    }

    [Fact]
    public async Task ConditionalCreate_UnknownParameter_IsBadRequestAndCreatesNothing()
    {
        var key = NewKey();

        await Assert.ThrowsAsync<BadRequestException>(() => _service.CreateAsync("Patient", Patient(key), "no-such-param=1", default));
        Assert.Empty(await MatchesAsync(_service, "Patient", key));
    }

    [Fact]
    public async Task Read_UnknownId_IsNotFound()
    {
        await Assert.ThrowsAsync<ResourceNotFoundException>(() => _service.ReadAsync("Patient", NewKey(), null, default));
    }

    [Fact]
    public async Task Read_UnservedType_IsNotFound()
    {
        await Assert.ThrowsAsync<ResourceNotFoundException>(() => _service.ReadAsync("Medication", "x", null, default));
    }

    [Fact]
    public async Task Read_MalformedId_IsBadRequest()
    {
        await Assert.ThrowsAsync<BadRequestException>(() => _service.ReadAsync("Patient", "has space", null, default));
        await Assert.ThrowsAsync<BadRequestException>(() => _service.ReadAsync("Patient", new string('a', 65), null, default));
    }

    [Fact]
    public async Task Read_DeletedResource_IsGone()
    {
        var created = await _service.CreateAsync("Patient", Patient(NewKey()), null, default);
        await _service.DeleteAsync("Patient", created.Stored.Id, default);

        await Assert.ThrowsAsync<ResourceGoneException>(() => _service.ReadAsync("Patient", created.Stored.Id, null, default));
    }

    [Fact]
    public async Task VRead_OlderVersion_ReturnsThatVersion()
    {
        var created = await _service.CreateAsync("Patient", Patient(NewKey()), null, default);
        var update = (Patient)created.Resource!.DeepCopy();
        update.Active = true;
        await _service.UpdateAsync("Patient", created.Stored.Id, update, null, default);

        var v1 = await _service.ReadAsync("Patient", created.Stored.Id, 1, default);
        var v2 = await _service.ReadAsync("Patient", created.Stored.Id, null, default);

        Assert.Equal(1, v1.Stored.Version);
        Assert.Null(((Patient)v1.Resource!).Active);
        Assert.Equal(2, v2.Stored.Version);
        Assert.True(((Patient)v2.Resource!).Active);
    }

    [Fact]
    public async Task VRead_DeleteMarkerIsGone_UnknownVersionIsNotFound()
    {
        var created = await _service.CreateAsync("Patient", Patient(NewKey()), null, default);
        await _service.DeleteAsync("Patient", created.Stored.Id, default);

        await Assert.ThrowsAsync<ResourceGoneException>(() => _service.ReadAsync("Patient", created.Stored.Id, 2, default));
        await Assert.ThrowsAsync<ResourceNotFoundException>(() => _service.ReadAsync("Patient", created.Stored.Id, 3, default));
        Assert.Equal(1, (await _service.ReadAsync("Patient", created.Stored.Id, 1, default)).Stored.Version);
    }

    [Fact]
    public async Task Update_Existing_WritesNextVersion()
    {
        var created = await _service.CreateAsync("Patient", Patient(NewKey()), null, default);

        var updated = await _service.UpdateAsync("Patient", created.Stored.Id, created.Resource!, null, default);

        Assert.False(updated.Created);
        Assert.Equal(2, updated.Stored.Version);
        Assert.Equal("2", updated.Resource!.Meta!.VersionId);
        Assert.Equal(2, (await _service.ReadAsync("Patient", created.Stored.Id, null, default)).Stored.Version);
    }

    [Fact]
    public async Task Update_Absent_CreatesWithTheClientId()
    {
        var id = "c-" + NewKey();
        var patient = Patient(NewKey());
        patient.Id = id;

        var result = await _service.UpdateAsync("Patient", id, patient, null, default);

        Assert.True(result.Created);
        Assert.Equal(1, result.Stored.Version);
        Assert.Equal(id, (await _service.ReadAsync("Patient", id, null, default)).Resource!.Id);
    }

    [Fact]
    public async Task Update_Deleted_CreatesANewVersion()
    {
        var created = await _service.CreateAsync("Patient", Patient(NewKey()), null, default);
        await _service.DeleteAsync("Patient", created.Stored.Id, default);

        var result = await _service.UpdateAsync("Patient", created.Stored.Id, created.Resource!, null, default);

        Assert.True(result.Created);
        Assert.Equal(3, result.Stored.Version);
        Assert.False((await _service.ReadAsync("Patient", created.Stored.Id, null, default)).Stored.Deleted);
    }

    [Fact]
    public async Task Update_BodyIdDiffersOrIsMissing_IsBadRequest()
    {
        var created = await _service.CreateAsync("Patient", Patient(NewKey()), null, default);
        var other = (Patient)created.Resource!.DeepCopy();
        other.Id = "other";
        var none = (Patient)created.Resource!.DeepCopy();
        none.Id = null;

        await Assert.ThrowsAsync<BadRequestException>(() => _service.UpdateAsync("Patient", created.Stored.Id, other, null, default));
        await Assert.ThrowsAsync<BadRequestException>(() => _service.UpdateAsync("Patient", created.Stored.Id, none, null, default));
        Assert.Equal(1, (await _service.ReadAsync("Patient", created.Stored.Id, null, default)).Stored.Version);
    }

    [Fact]
    public async Task Update_BodyOfAnotherType_IsBadRequest()
    {
        var observation = Observation(NewKey(), "Patient/x");
        observation.Id = "x";

        await Assert.ThrowsAsync<BadRequestException>(() => _service.UpdateAsync("Patient", "x", observation, null, default));
    }

    [Fact]
    public async Task Update_IfMatchCurrentVersion_Updates()
    {
        var created = await _service.CreateAsync("Patient", Patient(NewKey()), null, default);

        var updated = await _service.UpdateAsync("Patient", created.Stored.Id, created.Resource!, 1, default);

        Assert.Equal(2, updated.Stored.Version);
    }

    [Fact]
    public async Task Update_IfMatchStaleVersion_IsPreconditionFailed()
    {
        var created = await _service.CreateAsync("Patient", Patient(NewKey()), null, default);
        await _service.UpdateAsync("Patient", created.Stored.Id, created.Resource!, null, default);

        await Assert.ThrowsAsync<PreconditionFailedException>(() => _service.UpdateAsync("Patient", created.Stored.Id, created.Resource!, 1, default));
        Assert.Equal(2, (await _service.ReadAsync("Patient", created.Stored.Id, null, default)).Stored.Version);
    }

    [Fact]
    public async Task ConditionalUpdate_NoMatch_CreatesWithTheBodyId()
    {
        var key = NewKey();
        var patient = Patient(key);
        patient.Id = "cu-" + key;

        var result = await _service.ConditionalUpdateAsync("Patient", Criteria(key), patient, null, default);

        Assert.True(result.Created);
        Assert.Equal("cu-" + key, result.Stored.Id);
    }

    [Fact]
    public async Task ConditionalUpdate_NoMatchNoBodyId_CreatesWithANewId()
    {
        var key = NewKey();

        var result = await _service.ConditionalUpdateAsync("Patient", Criteria(key), Patient(key), null, default);

        Assert.True(result.Created);
        Assert.Equal(result.Stored.Id, Assert.Single(await MatchesAsync(_service, "Patient", key)).Id);
    }

    [Fact]
    public async Task ConditionalUpdate_OneMatch_UpdatesIt()
    {
        var key = NewKey();
        var created = await _service.CreateAsync("Patient", Patient(key), null, default);

        var result = await _service.ConditionalUpdateAsync("Patient", Criteria(key), Patient(key, "Korhonen"), null, default);

        Assert.False(result.Created);
        Assert.Equal(created.Stored.Id, result.Stored.Id);
        Assert.Equal(2, result.Stored.Version);
        var read = await _service.ReadAsync("Patient", created.Stored.Id, null, default);
        Assert.Equal("Korhonen", ((Patient)read.Resource!).Name[0].Family);
    }

    [Fact]
    public async Task ConditionalUpdate_OneMatchWithOtherBodyId_IsBadRequest()
    {
        var key = NewKey();
        await _service.CreateAsync("Patient", Patient(key), null, default);
        var patient = Patient(key);
        patient.Id = "not-the-match";

        await Assert.ThrowsAsync<BadRequestException>(() => _service.ConditionalUpdateAsync("Patient", Criteria(key), patient, null, default));
    }

    [Fact]
    public async Task ConditionalUpdate_SeveralMatches_IsPreconditionFailed()
    {
        var key = NewKey();
        await _service.CreateAsync("Patient", Patient(key), null, default);
        await _service.CreateAsync("Patient", Patient(key), null, default);

        await Assert.ThrowsAsync<PreconditionFailedException>(() => _service.ConditionalUpdateAsync("Patient", Criteria(key), Patient(key), null, default));
    }

    [Fact]
    public async Task Delete_Existing_WritesADeleteMarker()
    {
        var created = await _service.CreateAsync("Patient", Patient(NewKey()), null, default);

        var deleted = await _service.DeleteAsync("Patient", created.Stored.Id, default);

        Assert.NotNull(deleted);
        Assert.True(deleted.Stored.Deleted);
        Assert.Equal(2, deleted.Stored.Version);
        Assert.Null(deleted.Resource);
    }

    [Fact]
    public async Task Delete_UnknownOrAlreadyDeleted_HasNoEffect()
    {
        var created = await _service.CreateAsync("Patient", Patient(NewKey()), null, default);
        await _service.DeleteAsync("Patient", created.Stored.Id, default);

        Assert.Null(await _service.DeleteAsync("Patient", created.Stored.Id, default));
        Assert.Null(await _service.DeleteAsync("Patient", NewKey(), default));
        var history = await _service.HistoryAsync("Patient", created.Stored.Id, [], ServiceFixture.Context, default);
        Assert.Equal(2, history.Entry.Count);
    }

    [Fact]
    public async Task Delete_UnservedType_IsNotFound()
    {
        await Assert.ThrowsAsync<ResourceNotFoundException>(() => _service.DeleteAsync("Medication", "x", default));
    }
}
