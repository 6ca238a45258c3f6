using FhirBridge.Core.Errors;
using FhirBridge.Core.Storage;
using FhirBridge.Testing;

namespace FhirBridge.Storage.Tests;

public sealed class SaveAndGetTests(PostgresCluster cluster) : StoreTestBase(cluster)
{
    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Save_NewResource_IsReadBackAsVersionOne(string provider)
    {
        var store = await CreateStoreAsync(provider);
        var at = Params.Instant("2024-05-06T07:08:09.1234567Z");

        await PutAtAsync(store, "Patient", "p1", at);

        var stored = await GetAsync(store, "Patient", "p1");
        Assert.NotNull(stored);
        Assert.Equal(("Patient", "p1", 1, at, false, HistoryMethod.Post), (stored.Type, stored.Id, stored.Version, stored.LastUpdated, stored.Deleted, stored.Method));
        Assert.Contains("\"versionId\"", stored.Json, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Get_UnknownResourceOrVersion_ReturnsNull(string provider)
    {
        var store = await CreateStoreAsync(provider);
        await PutAsync(store, "Patient", "p1");

        Assert.Null(await GetAsync(store, "Patient", "nobody"));
        Assert.Null(await GetAsync(store, "Observation", "p1"));
        Assert.Null(await GetAsync(store, "Patient", "p1", 2));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Save_Update_KeepsEveryVersionReadable(string provider)
    {
        var store = await CreateStoreAsync(provider);
        await PutAsync(store, "Patient", "p1");
        await PutAsync(store, "Patient", "p1");

        var current = await GetAsync(store, "Patient", "p1");
        var first = await GetAsync(store, "Patient", "p1", 1);

        Assert.Equal((2, HistoryMethod.Put), (current!.Version, current.Method));
        Assert.Equal((1, HistoryMethod.Post), (first!.Version, first.Method));
        Assert.Contains("\"1\"", first.Json, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Save_VersionNotCurrentPlusOne_ThrowsConflictAndStoresNothing(string provider)
    {
        var store = await CreateStoreAsync(provider);
        await PutAsync(store, "Patient", "p1");

        await Assert.ThrowsAsync<ResourceConflictException>(() => SaveAsync(store, "Patient", "p1", 3));
        await Assert.ThrowsAsync<ResourceConflictException>(() => SaveAsync(store, "Patient", "p1", 1));
        await Assert.ThrowsAsync<ResourceConflictException>(() => SaveAsync(store, "Patient", "new", 2));

        Assert.Equal(1, (await GetAsync(store, "Patient", "p1"))!.Version);
        Assert.Null(await GetAsync(store, "Patient", "new"));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Save_WithoutPriorGet_ChecksVersionAgainstDatabase(string provider)
    {
        var store = await CreateStoreAsync(provider);
        await SaveAsync(store, "Patient", "p1", 1);
        await SaveAsync(store, "Patient", "p1", 2);

        Assert.Equal(2, (await GetAsync(store, "Patient", "p1"))!.Version);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Delete_StoresMarkerAndKeepsOlderVersions(string provider)
    {
        var store = await CreateStoreAsync(provider);
        await PutAsync(store, "Patient", "p1");

        await DeleteAsync(store, "Patient", "p1");

        var current = await GetAsync(store, "Patient", "p1");
        Assert.Equal((2, true, (string?)null, HistoryMethod.Delete), (current!.Version, current.Deleted, current.Json, current.Method));
        var first = await GetAsync(store, "Patient", "p1", 1);
        Assert.False(first!.Deleted);
        Assert.NotNull(first.Json);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Save_AfterDelete_RevivesResource(string provider)
    {
        var store = await CreateStoreAsync(provider);
        await PutAsync(store, "Patient", "p1", Params.Text("name", "Virtanen", "virtanen"));
        await DeleteAsync(store, "Patient", "p1");
        Assert.Empty(await IdsAsync(store, "Patient"));

        await PutAsync(store, "Patient", "p1", Params.Text("name", "Virtanen", "virtanen"));

        var current = await GetAsync(store, "Patient", "p1");
        Assert.Equal((3, false), (current!.Version, current.Deleted));
        Assert.Equal(["p1"], await IdsAsync(store, "Patient", Params.Where(Params.Name, new Core.Search.StringValue("vir"))));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Write_WhenWorkThrows_RollsBackEverything(string provider)
    {
        var store = await CreateStoreAsync(provider);

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.WriteAsync<bool>(
            async (session, ct) =>
            {
                await session.SaveAsync(new ResourceWrite("Patient", "p1", 1, DateTimeOffset.UtcNow, HistoryMethod.Post, Json("Patient", "p1", 1), []), ct);
                throw new InvalidOperationException("business rule failed");
            },
            CancellationToken.None));

        Assert.Null(await GetAsync(store, "Patient", "p1"));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Write_SeveralSavesOfOneResource_InOneUnitOfWork(string provider)
    {
        var store = await CreateStoreAsync(provider);

        await store.WriteAsync(
            async (session, ct) =>
            {
                for (var version = 1; version <= 3; version++)
                {
                    await session.SaveAsync(new ResourceWrite("Patient", "p1", version, DateTimeOffset.UtcNow, HistoryMethod.Put, Json("Patient", "p1", version), []), ct);
                }

                return true;
            },
            CancellationToken.None);

        Assert.Equal(3, (await GetAsync(store, "Patient", "p1"))!.Version);
    }

    private static Task SaveAsync(IResourceStore store, string type, string id, int version) =>
        store.WriteAsync(
            async (session, ct) =>
            {
                await session.SaveAsync(new ResourceWrite(type, id, version, DateTimeOffset.UtcNow, HistoryMethod.Put, Json(type, id, version), []), ct);
                return true;
            },
            CancellationToken.None);
}
