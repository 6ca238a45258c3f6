using FhirBridge.Core.Errors;
using FhirBridge.Core.Search;
using FhirBridge.Core.Storage;
using FhirBridge.Testing;
using static FhirBridge.Storage.Tests.Params;

namespace FhirBridge.Storage.Tests;

public sealed class SortAndPagingTests(PostgresCluster cluster) : StoreTestBase(cluster)
{
    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Sort_MultiValuedDates_UseMinAscendingMaxDescending_NullsLast(string provider)
    {
        var store = await SeedBirthdatesAsync(provider);

        var ascending = await SearchAsync(store, SearchQuery.All("Patient", 10) with { Sort = [new SortKey(Birthdate, false)] });
        var descending = await SearchAsync(store, SearchQuery.All("Patient", 10) with { Sort = [new SortKey(Birthdate, true)] });

        Assert.Equal(["multi", "b1980", "twin1980", "b1990", "none"], ascending.Matches.Select(m => m.Id));
        Assert.Equal(["multi", "b1990", "b1980", "twin1980", "none"], descending.Matches.Select(m => m.Id));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Sort_SeveralKeys_AndResourceColumns(string provider)
    {
        var store = await CreateStoreAsync(provider);
        await PutAtAsync(store, "Patient", "c", Instant("2024-01-03"), Text("name", "Aalto", "aalto"), Date("birthdate", "1990-01-01", "1990-01-02"));
        await PutAtAsync(store, "Patient", "a", Instant("2024-01-02"), Text("name", "Aalto", "aalto"), Date("birthdate", "1980-01-01", "1980-01-02"));
        await PutAtAsync(store, "Patient", "b", Instant("2024-01-01"), Text("name", "Björk", "bjork"));

        var nameThenBirthdateDesc = await SearchAsync(store, SearchQuery.All("Patient", 10) with { Sort = [new SortKey(Name, false), new SortKey(Birthdate, true)] });
        var byId = await SearchAsync(store, SearchQuery.All("Patient", 10) with { Sort = [new SortKey(Id, false)] });
        var byLastUpdatedDesc = await SearchAsync(store, SearchQuery.All("Patient", 10) with { Sort = [new SortKey(LastUpdated, true)] });

        Assert.Equal(["c", "a", "b"], nameThenBirthdateDesc.Matches.Select(m => m.Id));
        Assert.Equal(["a", "b", "c"], byId.Matches.Select(m => m.Id));
        Assert.Equal(["c", "a", "b"], byLastUpdatedDesc.Matches.Select(m => m.Id));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Paging_ThroughNullSortValues_VisitsEveryRowOnceBothWays(string provider)
    {
        var store = await SeedBirthdatesAsync(provider);
        await PutAsync(store, "Patient", "none2");
        var query = SearchQuery.All("Patient", 2) with { Sort = [new SortKey(Birthdate, false)], Total = TotalMode.Accurate };

        var forward = new List<List<string>>();
        var page = await SearchAsync(store, query);
        forward.Add([.. page.Matches.Select(m => m.Id)]);
        while (page.NextPageToken is not null)
        {
            page = await SearchAsync(store, query with { PageToken = page.NextPageToken });
            forward.Add([.. page.Matches.Select(m => m.Id)]);
        }

        var backward = new List<List<string>>();
        while (page.PreviousPageToken is not null)
        {
            page = await SearchAsync(store, query with { PageToken = page.PreviousPageToken });
            backward.Insert(0, [.. page.Matches.Select(m => m.Id)]);
        }

        Assert.Equal(["multi", "b1980", "twin1980", "b1990", "none", "none2"], forward.SelectMany(p => p));
        Assert.Equal([2, 2, 2], forward.Select(p => p.Count));
        Assert.Equal(forward.Take(2), backward);
        Assert.Equal(6, page.Total);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Paging_StaysStableWhileResourcesAreInsertedAndDeleted(string provider)
    {
        var store = await CreateStoreAsync(provider);
        for (var n = 0; n < 10; n++)
        {
            await PutAsync(store, "Patient", $"n{n:00}", Text("name", $"N{n:00}", $"n{n:00}"));
        }

        var query = SearchQuery.All("Patient", 3) with { Sort = [new SortKey(Name, false)] };
        var first = await SearchAsync(store, query);
        Assert.Equal(["n00", "n01", "n02"], first.Matches.Select(m => m.Id));

        await PutAsync(store, "Patient", "n01b", Text("name", "N01b", "n01b"));
        await PutAsync(store, "Patient", "n05b", Text("name", "N05b", "n05b"));
        await DeleteAsync(store, "Patient", "n01");
        await DeleteAsync(store, "Patient", "n04");

        var seen = new List<string>();
        var page = first;
        SearchPage? second = null;
        while (page.NextPageToken is not null)
        {
            page = await SearchAsync(store, query with { PageToken = page.NextPageToken });
            second ??= page;
            seen.AddRange(page.Matches.Select(m => m.Id));
        }

        Assert.Equal(["n03", "n05", "n05b", "n06", "n07", "n08", "n09"], seen);
        var back = await SearchAsync(store, query with { PageToken = second!.PreviousPageToken });
        Assert.Equal(["n00", "n01b", "n02"], back.Matches.Select(m => m.Id));
        Assert.Null(back.PreviousPageToken);
        var again = await SearchAsync(store, query with { PageToken = back.NextPageToken });
        Assert.Equal(second.Matches.Select(m => m.Id), again.Matches.Select(m => m.Id));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Paging_DefaultOrder_AppendsNewResourcesAtTheEnd(string provider)
    {
        var store = await CreateStoreAsync(provider);
        foreach (var id in new[] { "a", "b", "c", "d" })
        {
            await PutAsync(store, "Patient", id);
        }

        var first = await SearchAsync(store, SearchQuery.All("Patient", 2));
        await PutAsync(store, "Patient", "0-new");
        await DeleteAsync(store, "Patient", "a");
        var second = await SearchAsync(store, SearchQuery.All("Patient", 2) with { PageToken = first.NextPageToken });
        var third = await SearchAsync(store, SearchQuery.All("Patient", 2) with { PageToken = second.NextPageToken });

        Assert.Equal(["a", "b"], first.Matches.Select(m => m.Id));
        Assert.Null(first.PreviousPageToken);
        Assert.Equal(["c", "d"], second.Matches.Select(m => m.Id));
        Assert.Equal(["0-new"], third.Matches.Select(m => m.Id));
        Assert.Null(third.NextPageToken);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Total_CountsAllMatches_AndCountZeroReturnsOnlyTheTotal(string provider)
    {
        var store = await SeedBirthdatesAsync(provider);
        var query = SearchQuery.All("Patient", 2) with { Total = TotalMode.Accurate, Criteria = [Missing(Birthdate, false)] };

        var page = await SearchAsync(store, query);
        var countOnly = await SearchAsync(store, query with { Count = 0 });
        var noTotal = await SearchAsync(store, query with { Total = TotalMode.None });

        Assert.Equal((2, 4), (page.Matches.Count, page.Total));
        Assert.Equal((0, 4, (string?)null), (countOnly.Matches.Count, countOnly.Total, countOnly.NextPageToken));
        Assert.Null(noTotal.Total);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task PageToken_TamperedOrFromAnotherSort_IsBadRequest(string provider)
    {
        var store = await SeedBirthdatesAsync(provider);
        var query = SearchQuery.All("Patient", 2) with { Sort = [new SortKey(Birthdate, false)] };
        var token = (await SearchAsync(store, query)).NextPageToken!;

        foreach (var bad in new[] { token[..^2], "!!", token + "AA", Convert.ToBase64String("{\"f\":1}"u8) })
        {
            var error = await Assert.ThrowsAsync<BadRequestException>(() => SearchAsync(store, query with { PageToken = bad }));
            Assert.Equal("invalid page token", error.Message);
        }

        await Assert.ThrowsAsync<BadRequestException>(() => SearchAsync(store, query with { Sort = [new SortKey(Birthdate, true)], PageToken = token }));
        await Assert.ThrowsAsync<BadRequestException>(() => SearchAsync(store, SearchQuery.All("Patient", 2) with { PageToken = token }));
    }

    private async Task<SqlResourceStore> SeedBirthdatesAsync(string provider)
    {
        var store = await CreateStoreAsync(provider);
        await PutAsync(store, "Patient", "b1980", Date("birthdate", "1980-01-01", "1980-01-02"));
        await PutAsync(store, "Patient", "none");
        await PutAsync(store, "Patient", "b1990", Date("birthdate", "1990-01-01", "1990-01-02"));
        await PutAsync(store, "Patient", "multi", Date("birthdate", "1970-01-01", "1970-01-02"), Date("birthdate", "2000-01-01", "2000-01-02"));
        await PutAsync(store, "Patient", "twin1980", Date("birthdate", "1980-01-01", "1980-01-02"));
        return store;
    }
}
