using FhirBridge.Core.Search;
using FhirBridge.Core.Storage;
using FhirBridge.Testing;
using static FhirBridge.Storage.Tests.Params;

namespace FhirBridge.Storage.Tests;

public sealed class ChainAndIncludeTests(PostgresCluster cluster) : StoreTestBase(cluster)
{
    private static readonly SearchParameterInfo Performer = Of("Observation", "performer", Hl7.Fhir.Model.SearchParamType.Reference, "Practitioner");
    private static readonly SearchParameterInfo HasMember = Of("Observation", "has-member", Hl7.Fhir.Model.SearchParamType.Reference, "Observation");

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Chain_MatchesThroughTheReferencedResource(string provider)
    {
        var store = await SeedAsync(provider);

        var byIdentifier = new ChainCriterion(Subject, "Patient", Where(Identifier, new TokenValue(Hetu, "010190-9012")));
        var byName = new ChainCriterion(Subject, "Patient", Where(Name, new StringValue("kor")));
        var wrongType = new ChainCriterion(Subject, "Group", Where(Name, new StringValue("kor")));

        Assert.Equal(["o1", "o3"], await IdsAsync(store, "Observation", byIdentifier));
        Assert.Equal(["o2"], await IdsAsync(store, "Observation", byName));
        Assert.Empty(await IdsAsync(store, "Observation", wrongType));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Chain_IgnoresDeletedTargets(string provider)
    {
        var store = await SeedAsync(provider);
        await DeleteAsync(store, "Patient", "p2");

        Assert.Empty(await IdsAsync(store, "Observation", new ChainCriterion(Subject, "Patient", Where(Name, new StringValue("kor")))));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Has_MatchesResourcesReferencedByMatchingSources(string provider)
    {
        var store = await SeedAsync(provider);

        var glucose = new HasCriterion("Observation", Subject, Where(Code, new TokenValue("http://loinc.org", "15074-8")));
        var anyObservation = new HasCriterion("Observation", Subject, Missing(Code, false));

        Assert.Equal(["p1"], await IdsAsync(store, "Patient", glucose));
        Assert.Equal(["p1", "p2"], await IdsAsync(store, "Patient", anyObservation));
        Assert.Equal(["p1"], await IdsAsync(store, "Patient", glucose, Where(Name, new StringValue("vir"))));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Include_AddsReferencedResourcesOnceWithoutMatches(string provider)
    {
        var store = await SeedAsync(provider);
        var query = SearchQuery.All("Observation", 10) with { Includes = [new IncludeSpec("Observation", Subject, null, false), new IncludeSpec("Observation", HasMember, null, false)] };

        var page = await SearchAsync(store, query);

        Assert.Equal(["o1", "o2", "o3"], page.Matches.Select(m => m.Id));
        Assert.Equal(["Patient/p1", "Patient/p2"], Keys(page.Included));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Include_WithTargetType_AndSkippingDeletedTargets(string provider)
    {
        var store = await SeedAsync(provider);
        await PutAsync(store, "Observation", "o4", new ReferenceIndex("subject", "Group", "g1", null), new TokenIndex("code", "http://loinc.org", "1"));
        await PutAsync(store, "Group", "g1");
        await DeleteAsync(store, "Patient", "p2");

        var groups = await SearchAsync(store, SearchQuery.All("Observation", 10) with { Includes = [new IncludeSpec("Observation", Subject, "Group", false)] });
        var all = await SearchAsync(store, SearchQuery.All("Observation", 10) with { Includes = [new IncludeSpec("Observation", Subject, null, false)] });

        Assert.Equal(["Group/g1"], Keys(groups.Included));
        Assert.Equal(["Patient/p1", "Group/g1"], Keys(all.Included));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task RevInclude_AddsResourcesReferringToTheMatches(string provider)
    {
        var store = await SeedAsync(provider);
        var query = new SearchQuery("Patient", [Where(Id, new TokenValue(null, "p1"))], [], 10, TotalMode.None, [], [new IncludeSpec("Observation", Subject, null, false)], null);

        var page = await SearchAsync(store, query);

        Assert.Equal(["p1"], page.Matches.Select(m => m.Id));
        Assert.Equal(["Observation/o1", "Observation/o3"], Keys(page.Included));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Iterate_AppliesTheSpecToIncludedResources(string provider)
    {
        var store = await SeedAsync(provider);
        var query = SearchQuery.All("Observation", 10) with
        {
            Criteria = [Where(Id, new TokenValue(null, "o1"))],
            Includes = [new IncludeSpec("Observation", Subject, null, false), new IncludeSpec("Patient", GeneralPractitioner, null, true)],
        };
        var withoutIterate = query with { Includes = [new IncludeSpec("Observation", Subject, null, false), new IncludeSpec("Patient", GeneralPractitioner, null, false)] };

        Assert.Equal(["Patient/p1", "Practitioner/pr1"], Keys((await SearchAsync(store, query)).Included));
        Assert.Equal(["Patient/p1"], Keys((await SearchAsync(store, withoutIterate)).Included));
    }

    private static List<string> Keys(IEnumerable<StoredResource> resources) => [.. resources.Select(r => $"{r.Type}/{r.Id}")];

    private async Task<SqlResourceStore> SeedAsync(string provider)
    {
        var store = await CreateStoreAsync(provider);
        await PutAsync(store, "Practitioner", "pr1");
        await PutAsync(store, "Patient", "p1", new TokenIndex("identifier", Hetu, "010190-9012"), Text("name", "Virtanen", "virtanen"), new ReferenceIndex("general-practitioner", "Practitioner", "pr1", null));
        await PutAsync(store, "Patient", "p2", new TokenIndex("identifier", Hetu, "020290-9023"), Text("name", "Korhonen", "korhonen"));
        await PutAsync(store, "Observation", "o1", new ReferenceIndex("subject", "Patient", "p1", null), new TokenIndex("code", "http://loinc.org", "15074-8"));
        await PutAsync(store, "Observation", "o2", new ReferenceIndex("subject", "Patient", "p2", null), new TokenIndex("code", "http://loinc.org", "8867-4"));
        // o3 refers to a match (o1) and to the same patient as o1: neither may be included twice.
        await PutAsync(store, "Observation", "o3", new ReferenceIndex("subject", "Patient", "p1", null), new ReferenceIndex("has-member", "Observation", "o1", null), new TokenIndex("code", "http://loinc.org", "8867-4"));
        return store;
    }
}
