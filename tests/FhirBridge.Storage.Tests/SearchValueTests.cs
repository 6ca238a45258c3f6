using FhirBridge.Core.Errors;
using FhirBridge.Core.Search;
using FhirBridge.Testing;
using static FhirBridge.Storage.Tests.Params;

namespace FhirBridge.Storage.Tests;

public sealed class SearchValueTests(PostgresCluster cluster) : StoreTestBase(cluster)
{
    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Token_SystemRules_MatchAsSpecified(string provider)
    {
        var store = await CreateStoreAsync(provider);
        await PutAsync(store, "Patient", "p1", new TokenIndex("identifier", Hetu, "010190-9012"));
        await PutAsync(store, "Patient", "p2", new TokenIndex("identifier", "http://example.org/mrn", "010190-9012"), new TokenIndex("identifier", "http://example.org/mrn", "A1"));
        await PutAsync(store, "Patient", "p3", new TokenIndex("identifier", null, "A1"));
        await PutAsync(store, "Patient", "p4");

        Assert.Equal(["p1", "p2"], await IdsAsync(store, "Patient", Where(Identifier, new TokenValue(null, "010190-9012"))));
        Assert.Equal(["p1"], await IdsAsync(store, "Patient", Where(Identifier, new TokenValue(Hetu, "010190-9012"))));
        Assert.Equal(["p3"], await IdsAsync(store, "Patient", Where(Identifier, new TokenValue(string.Empty, "A1"))));
        Assert.Equal(["p2", "p3"], await IdsAsync(store, "Patient", Where(Identifier, new TokenValue(null, "A1"))));
        Assert.Equal(["p1"], await IdsAsync(store, "Patient", Where(Identifier, new TokenValue(Hetu, null))));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Token_NotAndMissing_MatchAsSpecified(string provider)
    {
        var store = await CreateStoreAsync(provider);
        await PutAsync(store, "Patient", "p1", new TokenIndex("identifier", Hetu, "010190-9012"));
        await PutAsync(store, "Patient", "p2", new TokenIndex("identifier", Hetu, "020290-9023"), new TokenIndex("identifier", Hetu, "010190-9012"));
        await PutAsync(store, "Patient", "p3", new TokenIndex("identifier", Hetu, "030390-9034"));
        await PutAsync(store, "Patient", "p4");

        Assert.Equal(["p3", "p4"], await IdsAsync(store, "Patient", Where(Identifier, SearchModifier.Not, new TokenValue(Hetu, "010190-9012"))));
        Assert.Equal(["p4"], await IdsAsync(store, "Patient", Where(Identifier, SearchModifier.Not, new TokenValue(null, "010190-9012"), new TokenValue(null, "030390-9034"))));
        Assert.Equal(["p4"], await IdsAsync(store, "Patient", Missing(Identifier, true)));
        Assert.Equal(["p1", "p2", "p3"], await IdsAsync(store, "Patient", Missing(Identifier, false)));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task String_DefaultContainsExact_MatchAsSpecified(string provider)
    {
        var store = await CreateStoreAsync(provider);
        await PutAsync(store, "Patient", "p1", Text("name", "Virtanen", "virtanen"), Text("name", "Aino", "aino"));
        await PutAsync(store, "Patient", "p2", Text("name", "Väisänen", "vaisanen"));
        await PutAsync(store, "Patient", "p3", Text("name", "Korhonen", "korhonen"));
        await PutAsync(store, "Patient", "p4", Text("name", "100%_ok", "100%_ok"));

        Assert.Equal(["p1", "p2"], await IdsAsync(store, "Patient", Where(Name, new StringValue("V"))));
        Assert.Equal(["p2"], await IdsAsync(store, "Patient", Where(Name, new StringValue("VÄIS"))));
        Assert.Equal(["p1"], await IdsAsync(store, "Patient", Where(Name, new StringValue("ain"))));
        Assert.Empty(await IdsAsync(store, "Patient", Where(Name, new StringValue("tanen"))));
        Assert.Equal(["p1"], await IdsAsync(store, "Patient", Where(Name, SearchModifier.Contains, new StringValue("tanen"))));
        Assert.Equal(["p2", "p3"], await IdsAsync(store, "Patient", Where(Name, SearchModifier.Contains, new StringValue("ISÄ"), new StringValue("rho"))));
        Assert.Equal(["p2"], await IdsAsync(store, "Patient", Where(Name, SearchModifier.Exact, new StringValue("Väisänen"))));
        Assert.Empty(await IdsAsync(store, "Patient", Where(Name, SearchModifier.Exact, new StringValue("väisänen"))));
        Assert.Equal(["p4"], await IdsAsync(store, "Patient", Where(Name, SearchModifier.Contains, new StringValue("%_"))));
        Assert.Empty(await IdsAsync(store, "Patient", Where(Name, SearchModifier.Contains, new StringValue("0_o"))));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Date_EveryPrefix_ComparesHalfOpenRanges(string provider)
    {
        var store = await CreateStoreAsync(provider);
        await PutAsync(store, "Patient", "year1999", Date("birthdate", "1999-01-01", "2000-01-01"));
        await PutAsync(store, "Patient", "day2000", Date("birthdate", "2000-06-15", "2000-06-16"));
        await PutAsync(store, "Patient", "day2001", Date("birthdate", "2001-02-03", "2001-02-04"));
        await PutAsync(store, "Patient", "spanning", Date("birthdate", "1999-12-01", "2000-02-01"));
        await PutAsync(store, "Patient", "none");

        async Task<List<string>> Matching(SearchPrefix prefix) =>
            await IdsAsync(store, "Patient", Where(Birthdate, DateSearch(prefix, "2000-01-01", "2001-01-01")));

        Assert.Equal(["day2000"], await Matching(SearchPrefix.Eq));
        Assert.Equal(["year1999", "day2001", "spanning"], await Matching(SearchPrefix.Ne));
        Assert.Equal(["day2001"], await Matching(SearchPrefix.Gt));
        Assert.Equal(["year1999", "spanning"], await Matching(SearchPrefix.Lt));
        Assert.Equal(["day2000", "day2001"], await Matching(SearchPrefix.Ge));
        Assert.Equal(["year1999", "day2000", "spanning"], await Matching(SearchPrefix.Le));
        Assert.Equal(["day2001"], await Matching(SearchPrefix.Sa));
        Assert.Equal(["year1999"], await Matching(SearchPrefix.Eb));
        Assert.Equal(["year1999", "day2000", "day2001", "spanning"], await Matching(SearchPrefix.Ap));
        Assert.Equal(["none"], await IdsAsync(store, "Patient", Missing(Birthdate, true)));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Date_OpenEndedPeriod_UsesMinAndMaxValues(string provider)
    {
        var store = await CreateStoreAsync(provider);
        await PutAsync(store, "Patient", "ongoing", new DateIndex("birthdate", Instant("2020-01-01"), DateTimeOffset.MaxValue));
        await PutAsync(store, "Patient", "ancient", new DateIndex("birthdate", DateTimeOffset.MinValue, Instant("1900-01-01")));

        Assert.Equal(["ongoing"], await IdsAsync(store, "Patient", Where(Birthdate, DateSearch(SearchPrefix.Gt, "2030-01-01", "2030-01-02"))));
        Assert.Equal(["ancient"], await IdsAsync(store, "Patient", Where(Birthdate, DateSearch(SearchPrefix.Lt, "1800-01-01", "1800-01-02"))));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Number_EveryPrefix_UsesPrecisionForEquality(string provider)
    {
        var store = await CreateStoreAsync(provider);
        await PutAsync(store, "RiskAssessment", "v100", new NumberIndex("probability", 100m));
        await PutAsync(store, "RiskAssessment", "v99_6", new NumberIndex("probability", 99.6m));
        await PutAsync(store, "RiskAssessment", "v100_5", new NumberIndex("probability", 100.5m));
        await PutAsync(store, "RiskAssessment", "v5", new NumberIndex("probability", 5m));

        async Task<List<string>> Matching(SearchPrefix prefix, decimal value) =>
            await IdsAsync(store, "RiskAssessment", Where(Probability, new NumberValue(prefix, value)));

        Assert.Equal(["v100", "v99_6"], await Matching(SearchPrefix.Eq, 100m));
        Assert.Equal(["v100"], await Matching(SearchPrefix.Eq, 100.0m));
        Assert.Equal(["v100_5", "v5"], await Matching(SearchPrefix.Ne, 100m));
        Assert.Equal(["v100_5"], await Matching(SearchPrefix.Gt, 100m));
        Assert.Equal(["v100", "v100_5"], await Matching(SearchPrefix.Ge, 100m));
        Assert.Equal(["v99_6", "v5"], await Matching(SearchPrefix.Lt, 100m));
        Assert.Equal(["v100", "v99_6", "v5"], await Matching(SearchPrefix.Le, 100m));
        Assert.Equal(["v100_5"], await Matching(SearchPrefix.Sa, 100m));
        Assert.Equal(["v99_6", "v5"], await Matching(SearchPrefix.Eb, 100m));
        Assert.Equal(["v100", "v99_6", "v100_5"], await Matching(SearchPrefix.Ap, 100m));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Quantity_SystemCodeAndUnit_MatchAsSpecified(string provider)
    {
        const string Ucum = "http://unitsofmeasure.org";
        var store = await CreateStoreAsync(provider);
        await PutAsync(store, "Observation", "o1", new QuantityIndex("value-quantity", 5.4m, Ucum, "mmol/L", "mmol/L"));
        await PutAsync(store, "Observation", "o2", new QuantityIndex("value-quantity", 120m, Ucum, "mg/dL", "mg/dL"));
        await PutAsync(store, "Observation", "o3", new QuantityIndex("value-quantity", 5.4m, null, null, "mmol/L"));

        Assert.Equal(["o1"], await IdsAsync(store, "Observation", Where(ValueQuantity, new QuantityValue(SearchPrefix.Eq, 5.4m, Ucum, "mmol/L"))));
        Assert.Equal(["o1", "o3"], await IdsAsync(store, "Observation", Where(ValueQuantity, new QuantityValue(SearchPrefix.Eq, 5.4m, null, "mmol/L"))));
        Assert.Equal(["o1", "o3"], await IdsAsync(store, "Observation", Where(ValueQuantity, new QuantityValue(SearchPrefix.Eq, 5.4m, null, null))));
        Assert.Equal(["o2"], await IdsAsync(store, "Observation", Where(ValueQuantity, new QuantityValue(SearchPrefix.Gt, 100m, Ucum, null))));
        Assert.Empty(await IdsAsync(store, "Observation", Where(ValueQuantity, new QuantityValue(SearchPrefix.Gt, 100m, null, "mmol/L"))));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Uri_MatchesExactly(string provider)
    {
        var store = await CreateStoreAsync(provider);
        await PutAsync(store, "ValueSet", "a", new UriIndex("url", "http://example.org/fhir/ValueSet/a"));
        await PutAsync(store, "ValueSet", "ab", new UriIndex("url", "http://example.org/fhir/ValueSet/a/b"));

        Assert.Equal(["a"], await IdsAsync(store, "ValueSet", Where(Url, new UriValue("http://example.org/fhir/ValueSet/a"))));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Reference_ByTypedIdBareIdUrlAndIdentifier(string provider)
    {
        var store = await CreateStoreAsync(provider);
        await PutAsync(store, "Observation", "o1", new ReferenceIndex("subject", "Patient", "p1", null));
        await PutAsync(store, "Observation", "o2", new ReferenceIndex("subject", "Patient", "p2", null));
        await PutAsync(store, "Observation", "o3", new ReferenceIndex("subject", "Group", "p1", null));
        await PutAsync(store, "Observation", "o4", new ReferenceIndex("subject", null, null, "http://other.example/fhir/Patient/9"));
        await PutAsync(store, "Observation", "o5", new ReferenceIndex("subject", null, null, null, Hetu, "010190-9012"));
        await PutAsync(store, "Observation", "o6");

        Assert.Equal(["o1"], await IdsAsync(store, "Observation", Where(Subject, new ReferenceValue("Patient", "p1", null))));
        Assert.Equal(["o1", "o3"], await IdsAsync(store, "Observation", Where(Subject, new ReferenceValue(null, "p1", null))));
        Assert.Equal(["o4"], await IdsAsync(store, "Observation", Where(Subject, new ReferenceValue(null, null, "http://other.example/fhir/Patient/9"))));
        Assert.Equal(["o5"], await IdsAsync(store, "Observation", Where(Subject, SearchModifier.Identifier, new TokenValue(Hetu, "010190-9012"))));
        Assert.Equal(["o6"], await IdsAsync(store, "Observation", Missing(Subject, true)));
        Assert.Equal(["o1", "o2"], await IdsAsync(store, "Observation", Where(Subject, new ReferenceValue("Patient", "p1", null), new ReferenceValue("Patient", "p2", null))));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task IdAndLastUpdated_AreAnsweredFromTheResourceRow(string provider)
    {
        var store = await CreateStoreAsync(provider);
        await PutAtAsync(store, "Patient", "p1", Instant("2024-01-01T10:00:00Z"));
        await PutAtAsync(store, "Patient", "p2", Instant("2024-02-01T10:00:00Z"));
        await PutAtAsync(store, "Patient", "p3", Instant("2024-03-01T10:00:00Z"));

        Assert.Equal(["p1", "p3"], await IdsAsync(store, "Patient", Where(Id, new TokenValue(null, "p1"), new TokenValue(null, "p3"))));
        Assert.Equal(["p2"], await IdsAsync(store, "Patient", Where(Id, SearchModifier.Not, new TokenValue(null, "p1"), new TokenValue(null, "p3"))));
        Assert.Empty(await IdsAsync(store, "Patient", Missing(Id, true)));
        Assert.Equal(["p2", "p3"], await IdsAsync(store, "Patient", Where(LastUpdated, DateSearch(SearchPrefix.Ge, "2024-02-01", "2024-02-02"))));
        Assert.Equal(["p2"], await IdsAsync(store, "Patient", Where(LastUpdated, DateSearch(SearchPrefix.Eq, "2024-02-01", "2024-02-02"))));
        Assert.Equal(["p1"], await IdsAsync(store, "Patient", Where(LastUpdated, DateSearch(SearchPrefix.Lt, "2024-02-01", "2024-02-02"))));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Criteria_AreAndedAcrossAndOredWithin_AndSkipDeletedAndOtherTypes(string provider)
    {
        var store = await CreateStoreAsync(provider);
        await PutAsync(store, "Patient", "p1", Text("name", "Virtanen", "virtanen"), Date("birthdate", "1990-01-01", "1990-01-02"));
        await PutAsync(store, "Patient", "p2", Text("name", "Virtanen", "virtanen"), Date("birthdate", "1980-01-01", "1980-01-02"));
        await PutAsync(store, "Patient", "p3", Text("name", "Korhonen", "korhonen"), Date("birthdate", "1990-05-01", "1990-05-02"));
        await PutAsync(store, "Patient", "p4", Text("name", "Virtanen", "virtanen"), Date("birthdate", "1990-07-01", "1990-07-02"));
        await PutAsync(store, "Person", "x1", Text("name", "Virtanen", "virtanen"), Date("birthdate", "1990-01-01", "1990-01-02"));
        await DeleteAsync(store, "Patient", "p4");

        var ids = await IdsAsync(
            store,
            "Patient",
            Where(Name, new StringValue("virt"), new StringValue("kor")),
            Where(Birthdate, DateSearch(SearchPrefix.Eq, "1990-01-01", "1991-01-01")));

        Assert.Equal(["p1", "p3"], ids);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Search_ValueOfTheWrongKind_IsBadRequest(string provider)
    {
        var store = await CreateStoreAsync(provider);

        await Assert.ThrowsAsync<BadRequestException>(() => IdsAsync(store, "Patient", Where(Birthdate, new StringValue("1990"))));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Update_ReplacesIndexEntriesOfThePreviousVersion(string provider)
    {
        var store = await CreateStoreAsync(provider);
        await PutAsync(store, "Patient", "p1", Text("name", "Virtanen", "virtanen"));

        await PutAsync(store, "Patient", "p1", Text("name", "Korhonen", "korhonen"));

        Assert.Empty(await IdsAsync(store, "Patient", Where(Name, new StringValue("virtanen"))));
        Assert.Equal(["p1"], await IdsAsync(store, "Patient", Where(Name, new StringValue("korhonen"))));
    }
}
