using FhirBridge.Core.Errors;
using FhirBridge.Core.Search;
using Hl7.Fhir.Model;

namespace FhirBridge.Core.Tests.Search;

public sealed class SearchQueryParserTests
{
    private static readonly SearchParameterRegistry Registry = new();
    private static readonly SearchQueryParser Parser = new(Registry);
    private static readonly Uri Base = new("https://fhir.example.fi/fhir");

    private static ParsedSearch Parse(string type, params (string Key, string Value)[] parameters) =>
        Parser.Parse(type, [.. parameters.Select(p => new KeyValuePair<string, string>(p.Key, p.Value))], strict: false, Base);

    private static BadRequestException ParseStrict(string type, params (string Key, string Value)[] parameters) =>
        Assert.Throws<BadRequestException>(() =>
            Parser.Parse(type, [.. parameters.Select(p => new KeyValuePair<string, string>(p.Key, p.Value))], strict: true, Base));

    private static ParameterCriterion Single(ParsedSearch parsed) =>
        Assert.IsType<ParameterCriterion>(Assert.Single(parsed.Query.Criteria));

    private static T OnlyValue<T>(ParsedSearch parsed) where T : SearchValue =>
        Assert.IsType<T>(Assert.Single(Single(parsed).Values));

    private static DateTimeOffset Utc(string text) => DateTimeOffset.Parse(text);

    [Fact]
    public void Parse_NoParameters_GivesDefaults()
    {
        var parsed = Parse("Patient");

        Assert.Equal("Patient", parsed.Query.ResourceType);
        Assert.Equal(new PageSizes().Default, parsed.Query.Count);
        Assert.Equal(TotalMode.None, parsed.Query.Total);
        Assert.Null(parsed.Query.PageToken);
        Assert.Empty(parsed.Query.Criteria);
        Assert.Empty(parsed.Query.Sort);
        Assert.Empty(parsed.Query.Includes);
        Assert.Empty(parsed.Query.RevIncludes);
        Assert.Null(parsed.Summary);
        Assert.Null(parsed.Elements);
        Assert.Empty(parsed.Warnings);
        Assert.Empty(parsed.Applied);
    }

    [Theory]
    [InlineData("urn:oid:1.2.246.21|010190-9012", "urn:oid:1.2.246.21", "010190-9012")]
    [InlineData("010190-9012", null, "010190-9012")]
    [InlineData("|010190-9012", "", "010190-9012")]
    [InlineData("urn:oid:1.2.246.21|", "urn:oid:1.2.246.21", null)]
    [InlineData(@"urn:example\|x|a\,b", "urn:example|x", "a,b")]
    public void Parse_TokenForms_GiveSystemAndCode(string value, string? system, string? code)
    {
        var token = OnlyValue<TokenValue>(Parse("Patient", ("identifier", value)));

        Assert.Equal(new TokenValue(system, code), token);
    }

    [Fact]
    public void Parse_CommaSeparatedValues_AreOredInOneCriterion()
    {
        var criterion = Single(Parse("CarePlan", ("status", "active,on-hold")));

        Assert.Equal("status", criterion.Parameter.Name);
        Assert.Equal(SearchModifier.None, criterion.Modifier);
        Assert.Equal([new TokenValue(null, "active"), new TokenValue(null, "on-hold")], criterion.Values);
    }

    [Fact]
    public void Parse_EscapedComma_StaysInTheValue()
    {
        var criterion = Single(Parse("Patient", ("name", @"Virtanen\,Matti")));

        Assert.Equal([new StringValue("Virtanen,Matti")], criterion.Values);
    }

    [Fact]
    public void Parse_RepeatedParameter_IsAndedAsTwoCriteria()
    {
        var parsed = Parse("Patient", ("birthdate", "ge1990"), ("birthdate", "lt2000"));

        Assert.Equal(2, parsed.Query.Criteria.Count);
        Assert.Equal(2, parsed.Applied.Count);
    }

    [Theory]
    [InlineData("2024", SearchPrefix.Eq, "2024-01-01T00:00:00Z", "2025-01-01T00:00:00Z")]
    [InlineData("ge2024-03", SearchPrefix.Ge, "2024-03-01T00:00:00Z", "2024-04-01T00:00:00Z")]
    [InlineData("lt2024-03-15", SearchPrefix.Lt, "2024-03-15T00:00:00Z", "2024-03-16T00:00:00Z")]
    [InlineData("sa2024-03-15T10:00:00+02:00", SearchPrefix.Sa, "2024-03-15T08:00:00Z", "2024-03-15T08:00:01Z")]
    [InlineData("eb2024-03-15T10:00:00 02:00", SearchPrefix.Eb, "2024-03-15T08:00:00Z", "2024-03-15T08:00:01Z")]
    [InlineData("ap2024-03-15T10:00", SearchPrefix.Ap, "2024-03-15T10:00:00Z", "2024-03-15T10:01:00Z")]
    [InlineData("ne2024-03-15T10:00:00Z", SearchPrefix.Ne, "2024-03-15T10:00:00Z", "2024-03-15T10:00:01Z")]
    [InlineData("gt2024-03-15", SearchPrefix.Gt, "2024-03-15T00:00:00Z", "2024-03-16T00:00:00Z")]
    [InlineData("le2024", SearchPrefix.Le, "2024-01-01T00:00:00Z", "2025-01-01T00:00:00Z")]
    public void Parse_DateWithPrefix_GivesUtcRangeOfItsPrecision(string value, SearchPrefix prefix, string start, string end)
    {
        var date = OnlyValue<DateValue>(Parse("CarePlan", ("date", value)));

        Assert.Equal(new DateValue(prefix, Utc(start), Utc(end)), date);
    }

    [Fact]
    public void Parse_LastUpdated_IsADateParameter()
    {
        var criterion = Single(Parse("Patient", ("_lastUpdated", "gt2024-05-01")));

        Assert.Equal("_lastUpdated", criterion.Parameter.Name);
        Assert.IsType<DateValue>(Assert.Single(criterion.Values));
    }

    [Theory]
    [InlineData("5.4|http://unitsofmeasure.org|mg", SearchPrefix.Eq, "5.4", "http://unitsofmeasure.org", "mg")]
    [InlineData("gt72.5||kg", SearchPrefix.Gt, "72.5", null, "kg")]
    [InlineData("le100", SearchPrefix.Le, "100", null, null)]
    [InlineData("ap1e2|http://unitsofmeasure.org|mmol/L", SearchPrefix.Ap, "100", "http://unitsofmeasure.org", "mmol/L")]
    public void Parse_Quantity_GivesPrefixValueSystemCode(string value, SearchPrefix prefix, string number, string? system, string? code)
    {
        var quantity = OnlyValue<QuantityValue>(Parse("Observation", ("value-quantity", value)));

        Assert.Equal(new QuantityValue(prefix, decimal.Parse(number, System.Globalization.CultureInfo.InvariantCulture), system, code), quantity);
    }

    [Fact]
    public void Parse_Number_GivesPrefixAndValue()
    {
        var registry = new OneParameterRegistry(new SearchParameterInfo("Encounter", "length-value", SearchParamType.Number, "Encounter.length.value", [], "urn:test"));
        var parsed = new SearchQueryParser(registry).Parse("Encounter", [new("length-value", "ge-2.5"), new("length-value", "30")], false, null);

        Assert.Equal(
            [new NumberValue(SearchPrefix.Ge, -2.5m), new NumberValue(SearchPrefix.Eq, 30m)],
            parsed.Query.Criteria.Cast<ParameterCriterion>().Select(c => Assert.Single(c.Values)));
    }

    [Fact]
    public void Parse_StringModifiers_AreExactAndContains()
    {
        var parsed = Parse("Patient", ("name:exact", "Äijälä"), ("family:contains", "ijä"), ("given", "matti"));

        var criteria = parsed.Query.Criteria.Cast<ParameterCriterion>().ToList();
        Assert.Equal([SearchModifier.Exact, SearchModifier.Contains, SearchModifier.None], criteria.Select(c => c.Modifier));
        Assert.Equal(new StringValue("Äijälä"), Assert.Single(criteria[0].Values));
    }

    [Theory]
    [InlineData("Patient/p1", "Patient", "p1", null)]
    [InlineData("Patient/p1/_history/3", "Patient", "p1", null)]
    [InlineData("p1", null, "p1", null)]
    [InlineData("https://fhir.example.fi/fhir/Patient/p1", "Patient", "p1", null)]
    [InlineData("https://muu.example.fi/fhir/Patient/p1", null, null, "https://muu.example.fi/fhir/Patient/p1")]
    public void Parse_ReferenceForms_GiveTypeIdOrUrl(string value, string? type, string? id, string? url)
    {
        var reference = OnlyValue<ReferenceValue>(Parse("CarePlan", ("subject", value)));

        Assert.Equal(new ReferenceValue(type, id, url), reference);
    }

    [Fact]
    public void Parse_ReferenceTypeModifier_TypesABareId()
    {
        var criterion = Single(Parse("CarePlan", ("subject:Patient", "123")));

        Assert.Equal(SearchModifier.None, criterion.Modifier);
        Assert.Equal(new ReferenceValue("Patient", "123", null), Assert.Single(criterion.Values));
    }

    [Fact]
    public void Parse_IdentifierModifier_GivesTokenOnReference()
    {
        var criterion = Single(Parse("Patient", ("general-practitioner:identifier", "urn:oid:1.2.246.537.26|10101010")));

        Assert.Equal(SearchModifier.Identifier, criterion.Modifier);
        Assert.Equal(new TokenValue("urn:oid:1.2.246.537.26", "10101010"), Assert.Single(criterion.Values));
    }

    [Fact]
    public void Parse_NotModifier_OnToken()
    {
        var criterion = Single(Parse("CarePlan", ("status:not", "completed")));

        Assert.Equal(SearchModifier.Not, criterion.Modifier);
        Assert.Equal(new TokenValue(null, "completed"), Assert.Single(criterion.Values));
    }

    [Theory]
    [InlineData("birthdate:missing", "true", true)]
    [InlineData("subject:missing", "false", false)]
    [InlineData("name:missing", "true", true)]
    public void Parse_MissingModifier_OnAnyType(string key, string value, bool missing)
    {
        var type = key.StartsWith("subject", StringComparison.Ordinal) ? "CarePlan" : "Patient";
        var criterion = Single(Parse(type, (key, value)));

        Assert.Equal(SearchModifier.Missing, criterion.Modifier);
        Assert.Equal(new MissingValue(missing), Assert.Single(criterion.Values));
    }

    [Fact]
    public void Parse_ChainWithType_TargetsThatType()
    {
        var chain = Assert.IsType<ChainCriterion>(Assert.Single(Parse("CarePlan", ("subject:Patient.identifier", "urn:oid:1.2.246.21|010190-9012")).Query.Criteria));

        Assert.Equal("subject", chain.Reference.Name);
        Assert.Equal("Patient", chain.TargetType);
        Assert.Equal("identifier", chain.Target.Parameter.Name);
        Assert.Equal(new TokenValue("urn:oid:1.2.246.21", "010190-9012"), Assert.Single(chain.Target.Values));
    }

    [Fact]
    public void Parse_BareChain_PicksTheOnlyServedTargetWithTheParameter()
    {
        var chain = Assert.IsType<ChainCriterion>(Assert.Single(Parse("CarePlan", ("subject.name:contains", "virta")).Query.Criteria));

        Assert.Equal("Patient", chain.TargetType);
        Assert.Equal(SearchModifier.Contains, chain.Target.Modifier);
    }

    [Fact]
    public void Parse_BareChainOnSingleTarget_UsesIt()
    {
        var chain = Assert.IsType<ChainCriterion>(Assert.Single(Parse("Patient", ("organization.name", "Helsingin kaupunki")).Query.Criteria));

        Assert.Equal("Organization", chain.TargetType);
    }

    [Fact]
    public void Parse_AmbiguousChain_IsRejected()
    {
        var error = ParseStrict("Task", ("owner.identifier", "x"));

        var issue = Assert.Single(error.Issues);
        Assert.Contains("ambiguous", issue.Diagnostics);
        Assert.Equal("owner.identifier", Assert.Single(issue.Expression));
    }

    [Fact]
    public void Parse_DeeperChain_IsNotSupported()
    {
        var parsed = Parse("CarePlan", ("subject:Patient.organization.name", "x"));

        Assert.Empty(parsed.Query.Criteria);
        var warning = Assert.Single(parsed.Warnings);
        Assert.Equal(OperationOutcome.IssueType.NotSupported, warning.Code);
        Assert.Equal(OperationOutcome.IssueSeverity.Warning, warning.Severity);
    }

    [Fact]
    public void Parse_Has_GivesReverseChainOnTheSourceType()
    {
        var has = Assert.IsType<HasCriterion>(Assert.Single(Parse("Patient", ("_has:Observation:patient:code", "http://loinc.org|1234-5")).Query.Criteria));

        Assert.Equal("Observation", has.SourceType);
        Assert.Equal("patient", has.Reference.Name);
        Assert.Equal("code", has.Source.Parameter.Name);
        Assert.Equal(new TokenValue("http://loinc.org", "1234-5"), Assert.Single(has.Source.Values));
    }

    [Theory]
    [InlineData("_has:Observation:patient")]
    [InlineData("_has:Medication:patient:code")]
    [InlineData("_has:Observation:code:code")]
    [InlineData("_has:Observation:patient:_has:Provenance:target:agent")]
    public void Parse_MalformedHas_IsRejected(string key)
    {
        var error = ParseStrict("Patient", (key, "x"));

        Assert.Equal(key, Assert.Single(Assert.Single(error.Issues).Expression));
    }

    [Fact]
    public void Parse_IncludesAndRevIncludes_GiveSpecs()
    {
        var parsed = Parse(
            "CarePlan",
            ("_include", "CarePlan:subject:Patient"),
            ("_include", "CarePlan:care-team"),
            ("_include:iterate", "CareTeam:participant"),
            ("_revinclude", "Provenance:target"));

        Assert.Equal(
            [
                new IncludeSpec("CarePlan", Registry.Find("CarePlan", "subject")!, "Patient", false),
                new IncludeSpec("CarePlan", Registry.Find("CarePlan", "care-team")!, null, false),
                new IncludeSpec("CareTeam", Registry.Find("CareTeam", "participant")!, null, true),
            ],
            parsed.Query.Includes);
        Assert.Equal([new IncludeSpec("Provenance", Registry.Find("Provenance", "target")!, null, false)], parsed.Query.RevIncludes);
        Assert.Empty(parsed.Warnings);
    }

    [Theory]
    [InlineData("_include", "*")]
    [InlineData("_include", "Patient:organization")]
    [InlineData("_include", "CarePlan:status")]
    [InlineData("_include", "CarePlan:subject:Practitioner")]
    [InlineData("_include", "CarePlan")]
    [InlineData("_include:foo", "CarePlan:subject")]
    [InlineData("_revinclude", "Patient:organization")]
    public void Parse_BadInclude_IsDroppedWithWarning(string key, string value)
    {
        var parsed = Parse("CarePlan", (key, value));

        Assert.Empty(parsed.Query.Includes);
        Assert.Empty(parsed.Query.RevIncludes);
        Assert.Equal(key, Assert.Single(Assert.Single(parsed.Warnings).Expression));
        Assert.Empty(parsed.Applied);
    }

    [Fact]
    public void Parse_Sort_GivesKeysInOrder()
    {
        var parsed = Parse("Patient", ("_sort", "family,-birthdate,_lastUpdated,-_id"));

        Assert.Equal(
            [("family", false), ("birthdate", true), ("_lastUpdated", false), ("_id", true)],
            parsed.Query.Sort.Select(k => (k.Parameter.Name, k.Descending)));
    }

    [Theory]
    [InlineData("organization")]
    [InlineData("no-such")]
    [InlineData("family,")]
    public void Parse_BadSort_IsRejected(string value)
    {
        var error = ParseStrict("Patient", ("_sort", value));

        Assert.Equal("_sort", Assert.Single(Assert.Single(error.Issues).Expression));
    }

    [Theory]
    [InlineData("50", 50)]
    [InlineData("5000", 1000)]
    public void Parse_Count_IsClampedToMaximum(string value, int expected)
    {
        var parsed = Parse("Patient", ("_count", value));

        Assert.Equal(expected, parsed.Query.Count);
        Assert.Equal(new KeyValuePair<string, string>("_count", expected.ToString(System.Globalization.CultureInfo.InvariantCulture)), Assert.Single(parsed.Applied));
    }

    [Fact]
    public void Parse_CountZero_CountsOnly()
    {
        var query = Parse("Patient", ("_count", "0")).Query;

        Assert.Equal(0, query.Count);
        Assert.Equal(TotalMode.Accurate, query.Total);
    }

    [Fact]
    public void Parse_SummaryCount_ImpliesAccurateTotal()
    {
        var parsed = Parse("Patient", ("_summary", "count"), ("_total", "none"));

        Assert.Equal("count", parsed.Summary);
        Assert.Equal(TotalMode.Accurate, parsed.Query.Total);
        Assert.Equal(0, parsed.Query.Count);
    }

    [Theory]
    [InlineData("none", TotalMode.None)]
    [InlineData("estimate", TotalMode.Estimate)]
    [InlineData("accurate", TotalMode.Accurate)]
    public void Parse_Total_GivesMode(string value, TotalMode mode) =>
        Assert.Equal(mode, Parse("Patient", ("_total", value)).Query.Total);

    [Fact]
    public void Parse_ElementsSummaryAndPage_AreReturned()
    {
        var parsed = Parse("Patient", ("_elements", "identifier,name,birthDate"), ("_summary", "data"), ("_page", "opaque-token-123"));

        Assert.Equal(["identifier", "name", "birthDate"], parsed.Elements);
        Assert.Equal("data", parsed.Summary);
        Assert.Equal("opaque-token-123", parsed.Query.PageToken);
    }

    [Fact]
    public void Parse_FormatAndPretty_AreIgnoredSilently()
    {
        var parsed = Parse("Patient", ("_format", "json"), ("_pretty", "true"), ("gender", "female"));

        Assert.Empty(parsed.Warnings);
        Assert.Equal([new KeyValuePair<string, string>("gender", "female")], parsed.Applied);
    }

    [Fact]
    public void Parse_EmptyValue_IsIgnored()
    {
        var parsed = Parse("Patient", ("name", ""));

        Assert.Empty(parsed.Query.Criteria);
        Assert.Empty(parsed.Warnings);
    }

    [Theory]
    [InlineData("_count", "-1", OperationOutcome.IssueType.Invalid)]
    [InlineData("_count", "ten", OperationOutcome.IssueType.Invalid)]
    [InlineData("_total", "all", OperationOutcome.IssueType.Invalid)]
    [InlineData("_summary", "yes", OperationOutcome.IssueType.Invalid)]
    [InlineData("_elements", "name,", OperationOutcome.IssueType.Invalid)]
    [InlineData("birthdate", "1990-13-01", OperationOutcome.IssueType.Invalid)]
    [InlineData("birthdate", "xx1990", OperationOutcome.IssueType.Invalid)]
    [InlineData("birthdate", "ge", OperationOutcome.IssueType.Invalid)]
    [InlineData("birthdate:missing", "maybe", OperationOutcome.IssueType.Invalid)]
    [InlineData("identifier", "a|b|c", OperationOutcome.IssueType.Invalid)]
    [InlineData("identifier", "a,,b", OperationOutcome.IssueType.Invalid)]
    [InlineData("general-practitioner", "Practitioner/has space", OperationOutcome.IssueType.Invalid)]
    [InlineData("general-practitioner", "Group/1", OperationOutcome.IssueType.Invalid)]
    [InlineData("general-practitioner:Patient", "1", OperationOutcome.IssueType.Invalid)]
    [InlineData("no-such-param", "x", OperationOutcome.IssueType.NotSupported)]
    [InlineData("_text", "x", OperationOutcome.IssueType.NotSupported)]
    [InlineData("name:text", "x", OperationOutcome.IssueType.NotSupported)]
    [InlineData("gender:text", "x", OperationOutcome.IssueType.NotSupported)]
    [InlineData("gender:exact", "x", OperationOutcome.IssueType.NotSupported)]
    [InlineData("birthdate:foo", "2000", OperationOutcome.IssueType.NotSupported)]
    [InlineData("family.name", "x", OperationOutcome.IssueType.Invalid)]
    public void Parse_Strict_ProblemIsA400NamingTheParameter(string key, string value, OperationOutcome.IssueType code)
    {
        var error = ParseStrict("Patient", (key, value));

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, error.Status);
        var issue = Assert.Single(error.Issues);
        Assert.Equal(OperationOutcome.IssueSeverity.Error, issue.Severity);
        Assert.Equal(code, issue.Code);
        Assert.Equal(key, Assert.Single(issue.Expression));
        Assert.False(string.IsNullOrWhiteSpace(issue.Diagnostics));
    }

    [Fact]
    public void Parse_Lenient_DropsBadParametersAndKeepsGoodOnes()
    {
        var parsed = Parse("Patient", ("no-such-param", "x"), ("birthdate", "1990-13-01"), ("gender", "female"), ("name:text", "x"));

        var criterion = Single(parsed);
        Assert.Equal("gender", criterion.Parameter.Name);
        Assert.Equal([new KeyValuePair<string, string>("gender", "female")], parsed.Applied);
        Assert.Equal(["no-such-param", "birthdate", "name:text"], parsed.Warnings.Select(w => Assert.Single(w.Expression)));
        Assert.Equal(
            [OperationOutcome.IssueType.NotSupported, OperationOutcome.IssueType.Invalid, OperationOutcome.IssueType.NotSupported],
            parsed.Warnings.Select(w => w.Code));
        Assert.All(parsed.Warnings, w => Assert.Equal(OperationOutcome.IssueSeverity.Warning, w.Severity));
        Assert.All(parsed.Warnings, w => Assert.Contains("ignored", w.Diagnostics));
    }

    [Fact]
    public void Parse_Strict_ReportsEveryProblemAtOnce()
    {
        var error = ParseStrict("Patient", ("no-such-param", "x"), ("gender", "female"), ("_count", "abc"));

        Assert.Equal(["no-such-param", "_count"], error.Issues.Select(i => Assert.Single(i.Expression)));
    }

    [Theory]
    [InlineData("_count", "10", "20")]
    [InlineData("_sort", "family", "given")]
    [InlineData("_summary", "true", "false")]
    [InlineData("_page", "a", "b")]
    public void Parse_ResultParameterGivenTwice_IsAnError(string key, string first, string second)
    {
        var error = ParseStrict("Patient", (key, first), (key, second));
        Assert.Equal(key, Assert.Single(Assert.Single(error.Issues).Expression));

        var lenient = Parse("Patient", (key, first), (key, second));
        Assert.Single(lenient.Warnings);
        Assert.Equal([new KeyValuePair<string, string>(key, first)], lenient.Applied);
    }

    [Fact]
    public void Parse_NullBaseUrl_KeepsAbsoluteUrls()
    {
        var parsed = Parser.Parse("CarePlan", [new("subject", "https://fhir.example.fi/fhir/Patient/p1")], strict: true, baseUrl: null);

        Assert.Equal(new ReferenceValue(null, null, "https://fhir.example.fi/fhir/Patient/p1"), Assert.Single(Single(parsed).Values));
    }

    [Fact]
    public void Parse_UriParameter_KeepsValueAsWritten()
    {
        var value = OnlyValue<UriValue>(Parse("Patient", ("_profile", "https://hl7.fi/fhir/finnish-base/StructureDefinition/fi-base-patient")));

        Assert.Equal(new UriValue("https://hl7.fi/fhir/finnish-base/StructureDefinition/fi-base-patient"), value);
    }

    private sealed class OneParameterRegistry(SearchParameterInfo parameter) : ISearchParameterRegistry
    {
        public IReadOnlyList<SearchParameterInfo> For(string resourceType) => resourceType == parameter.ResourceType ? [parameter] : [];

        public SearchParameterInfo? Find(string resourceType, string name) => For(resourceType).FirstOrDefault(p => p.Name == name);
    }
}
