using FhirBridge.Core.Errors;
using FhirBridge.Core.Storage;
using FhirBridge.Testing;

namespace FhirBridge.Storage.Tests;

public sealed class HistoryTests(PostgresCluster cluster) : StoreTestBase(cluster)
{
    [Theory]
    [MemberData(nameof(Providers))]
    public async Task History_AtEachLevel_ListsVersionsNewestFirst(string provider)
    {
        var store = await SeedAsync(provider);

        var instance = await HistoryAsync(store, new HistoryQuery("Patient", "p1", null, 10, null));
        var type = await HistoryAsync(store, new HistoryQuery("Patient", null, null, 10, null));
        var system = await HistoryAsync(store, new HistoryQuery(null, null, null, 10, null));

        Assert.Equal(["Patient/p1/3", "Patient/p1/2", "Patient/p1/1"], Keys(instance));
        Assert.Equal(["Patient/p1/3", "Patient/p2/1", "Patient/p1/2", "Patient/p1/1"], Keys(type));
        Assert.Equal(["Patient/p1/3", "Observation/o1/1", "Patient/p2/1", "Patient/p1/2", "Patient/p1/1"], Keys(system));
        Assert.Equal((3, 4, 5), (instance.Total, type.Total, system.Total));
        Assert.True(instance.Entries[0].Deleted);
        Assert.Null(instance.Entries[0].Json);
        Assert.Equal(HistoryMethod.Delete, instance.Entries[0].Method);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task History_Since_KeepsVersionsAtOrAfterTheInstant(string provider)
    {
        var store = await SeedAsync(provider);

        var page = await HistoryAsync(store, new HistoryQuery(null, null, Params.Instant("2024-01-03"), 10, null));

        Assert.Equal(["Patient/p1/3", "Observation/o1/1", "Patient/p2/1"], Keys(page));
        Assert.Equal(3, page.Total);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task History_Paging_NextAndPreviousTokensWalkBothWays(string provider)
    {
        var store = await SeedAsync(provider);

        var first = await HistoryAsync(store, new HistoryQuery(null, null, null, 2, null));
        var second = await HistoryAsync(store, new HistoryQuery(null, null, null, 2, first.NextPageToken));
        var third = await HistoryAsync(store, new HistoryQuery(null, null, null, 2, second.NextPageToken));
        var back = await HistoryAsync(store, new HistoryQuery(null, null, null, 2, third.PreviousPageToken));

        Assert.Equal(["Patient/p1/3", "Observation/o1/1"], Keys(first));
        Assert.Null(first.PreviousPageToken);
        Assert.Equal(["Patient/p2/1", "Patient/p1/2"], Keys(second));
        Assert.Equal(["Patient/p1/1"], Keys(third));
        Assert.Null(third.NextPageToken);
        Assert.Equal(Keys(second), Keys(back));
        Assert.Equal(5, third.Total);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task History_NewVersionsWhilePaging_DoNotShiftLaterPages(string provider)
    {
        var store = await SeedAsync(provider);
        var first = await HistoryAsync(store, new HistoryQuery(null, null, null, 2, null));

        await PutAsync(store, "Patient", "p9");
        var second = await HistoryAsync(store, new HistoryQuery(null, null, null, 2, first.NextPageToken));

        Assert.Equal(["Patient/p2/1", "Patient/p1/2"], Keys(second));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task History_CountZero_ReturnsOnlyTotal(string provider)
    {
        var store = await SeedAsync(provider);

        var page = await HistoryAsync(store, new HistoryQuery("Patient", null, null, 0, null));

        Assert.Empty(page.Entries);
        Assert.Equal(4, page.Total);
        Assert.Null(page.NextPageToken);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task History_TamperedOrForeignToken_IsBadRequest(string provider)
    {
        var store = await SeedAsync(provider);
        var first = await HistoryAsync(store, new HistoryQuery("Patient", null, null, 1, null));

        var tampered = await Assert.ThrowsAsync<BadRequestException>(() => HistoryAsync(store, new HistoryQuery("Patient", null, null, 1, "x" + first.NextPageToken)));
        var foreign = await Assert.ThrowsAsync<BadRequestException>(() => HistoryAsync(store, new HistoryQuery("Observation", null, null, 1, first.NextPageToken)));

        Assert.Equal("invalid page token", tampered.Message);
        Assert.Equal("invalid page token", foreign.Message);
    }

    private static List<string> Keys(HistoryPage page) => [.. page.Entries.Select(e => $"{e.Type}/{e.Id}/{e.Version}")];

    private async Task<SqlResourceStore> SeedAsync(string provider)
    {
        var store = await CreateStoreAsync(provider);
        await PutAtAsync(store, "Patient", "p1", Params.Instant("2024-01-01"));
        await PutAtAsync(store, "Patient", "p1", Params.Instant("2024-01-02"));
        await PutAtAsync(store, "Patient", "p2", Params.Instant("2024-01-03"));
        await PutAtAsync(store, "Observation", "o1", Params.Instant("2024-01-04"));
        await store.WriteAsync(
            async (session, ct) =>
            {
                await session.SaveAsync(new ResourceWrite("Patient", "p1", 3, Params.Instant("2024-01-05"), HistoryMethod.Delete, null, []), ct);
                return true;
            },
            CancellationToken.None);
        return store;
    }
}
