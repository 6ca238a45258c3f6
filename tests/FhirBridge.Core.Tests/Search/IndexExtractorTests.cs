using FhirBridge.Core.Fhir;
using FhirBridge.Core.Search;
using Hl7.Fhir.Model;

namespace FhirBridge.Core.Tests.Search;

public sealed class IndexExtractorTests
{
    private static readonly IndexExtractor Extractor = new(new SearchParameterRegistry());

    private const string PatientJson = """
        {
          "resourceType": "Patient",
          "id": "p1",
          "meta": {
            "lastUpdated": "2024-05-01T10:00:00+03:00",
            "profile": ["https://hl7.fi/fhir/finnish-base/StructureDefinition/fi-base-patient"],
            "tag": [{ "system": "urn:example:tags", "code": "kotihoito" }],
            "security": [{ "system": "http://terminology.hl7.org/CodeSystem/v3-Confidentiality", "code": "R" }],
            "source": "urn:uuid:6e3b2a54-0cf4-4bd8-a3b4-4e1c6c1b2f10"
          },
          "identifier": [{ "system": "urn:oid:1.2.246.21", "value": "010190-9012" }],
          "active": true,
          "name": [
            { "family": "Äijälä", "given": ["Matti", "Juhani"], "prefix": ["Dr"] },
            { "use": "old", "family": "Virtanen", "given": ["Matti"] }
          ],
          "telecom": [
            { "system": "phone", "value": "+358401234567" },
            { "system": "email", "value": "matti.aijala@example.fi" }
          ],
          "gender": "male",
          "birthDate": "1990-01-01",
          "address": [{ "line": ["Mannerheimintie 1 A 3"], "city": "Helsinki", "postalCode": "00100", "country": "FI" }],
          "generalPractitioner": [
            { "reference": "Practitioner/pr1" },
            { "identifier": { "system": "urn:oid:1.2.246.537.26", "value": "10101010" } }
          ],
          "managingOrganization": { "reference": "https://fhir.example.fi/fhir/Organization/o1/_history/3" },
          "communication": [{ "language": { "coding": [{ "system": "urn:ietf:bcp:47", "code": "fi" }], "text": "suomi" } }]
        }
        """;

    private const string CarePlanJson = """
        {
          "resourceType": "CarePlan",
          "id": "cp1",
          "contained": [{ "resourceType": "Goal", "id": "g1", "lifecycleStatus": "active",
                          "description": { "text": "Kotona pärjääminen" }, "subject": { "reference": "Patient/p1" } }],
          "identifier": [{ "system": "urn:oid:1.2.246.10.12345678.10.1", "value": "SUUNNITELMA-1" }],
          "instantiatesCanonical": ["https://example.fi/fhir/PlanDefinition/kotihoito"],
          "instantiatesUri": ["https://example.fi/ohjeet/kotihoito"],
          "status": "active",
          "intent": "plan",
          "category": [{ "coding": [{ "system": "http://snomed.info/sct", "code": "734163000", "display": "Care plan" }], "text": "Hoitosuunnitelma" }],
          "subject": { "reference": "Patient/p1/_history/2" },
          "period": { "start": "2024-01-15" },
          "careTeam": [{ "reference": "CareTeam/ct1" }],
          "goal": [{ "reference": "#g1" }],
          "activity": [
            { "detail": { "status": "scheduled", "code": { "coding": [{ "system": "urn:example:toiminto", "code": "kotikaynti" }] },
                          "scheduledTiming": { "event": ["2024-02-01T09:00:00+02:00"],
                                               "repeat": { "boundsPeriod": { "start": "2024-02-01", "end": "2024-06-30" } } },
                          "performer": [{ "reference": "Practitioner/pr1" }] } },
            { "detail": { "status": "scheduled", "scheduledPeriod": { "start": "2024-03-01", "end": "2024-03-31" },
                          "performer": [{ "reference": "Practitioner/pr1" }] } }
          ]
        }
        """;

    private static IReadOnlyList<IndexEntry> ExtractJson(string json) => Extractor.Extract(FhirSerializer.ParseJson(json));

    private static DateTimeOffset Utc(string text) => DateTimeOffset.Parse(text);

    [Fact]
    public void Extract_Patient_IndexesFinnishIdentifierAsSystemAndValue()
    {
        var entries = ExtractJson(PatientJson);

        Assert.Contains(new TokenIndex("identifier", "urn:oid:1.2.246.21", "010190-9012"), entries);
        Assert.Contains(new TokenIndex("_id", null, "p1"), entries);
    }

    [Fact]
    public void Extract_Patient_IndexesNamesNormalizedAndExact()
    {
        var entries = ExtractJson(PatientJson);

        Assert.Contains(new StringIndex("name", "aijala", "Äijälä"), entries);
        Assert.Contains(new StringIndex("name", "juhani", "Juhani"), entries);
        Assert.Contains(new StringIndex("name", "dr", "Dr"), entries);
        Assert.Contains(new StringIndex("family", "virtanen", "Virtanen"), entries);
        Assert.Contains(new StringIndex("given", "matti", "Matti"), entries);
        Assert.Single(entries, e => e == new StringIndex("given", "matti", "Matti"));
        Assert.Contains(new StringIndex("address", "mannerheimintie 1 a 3", "Mannerheimintie 1 A 3"), entries);
        Assert.Contains(new StringIndex("address", "helsinki", "Helsinki"), entries);
        Assert.Contains(new StringIndex("address-city", "helsinki", "Helsinki"), entries);
        Assert.Contains(new StringIndex("address-postalcode", "00100", "00100"), entries);
    }

    [Fact]
    public void Extract_Patient_IndexesCodesBooleansAndContactPoints()
    {
        var entries = ExtractJson(PatientJson);

        Assert.Contains(new TokenIndex("gender", null, "male"), entries);
        Assert.Contains(new TokenIndex("active", null, "true"), entries);
        Assert.Contains(new TokenIndex("deceased", null, "false"), entries);
        Assert.Contains(new TokenIndex("phone", null, "+358401234567"), entries);
        Assert.Contains(new TokenIndex("email", null, "matti.aijala@example.fi"), entries);
        Assert.DoesNotContain(new TokenIndex("phone", null, "matti.aijala@example.fi"), entries);
        Assert.Contains(new TokenIndex("telecom", null, "+358401234567"), entries);
        Assert.Contains(new TokenIndex("language", "urn:ietf:bcp:47", "fi"), entries);
        Assert.DoesNotContain(entries, e => e is TokenIndex { Code: "suomi" });
    }

    [Fact]
    public void Extract_Patient_IndexesMetaParameters()
    {
        var entries = ExtractJson(PatientJson);

        Assert.Contains(new DateIndex("_lastUpdated", Utc("2024-05-01T07:00:00Z"), Utc("2024-05-01T07:00:01Z")), entries);
        Assert.Contains(new UriIndex("_profile", "https://hl7.fi/fhir/finnish-base/StructureDefinition/fi-base-patient"), entries);
        Assert.Contains(new TokenIndex("_tag", "urn:example:tags", "kotihoito"), entries);
        Assert.Contains(new TokenIndex("_security", "http://terminology.hl7.org/CodeSystem/v3-Confidentiality", "R"), entries);
        Assert.Contains(new UriIndex("_source", "urn:uuid:6e3b2a54-0cf4-4bd8-a3b4-4e1c6c1b2f10"), entries);
    }

    [Fact]
    public void Extract_Patient_BirthDateIsTheWholeDay()
    {
        var entries = ExtractJson(PatientJson);

        Assert.Contains(new DateIndex("birthdate", Utc("1990-01-01T00:00:00Z"), Utc("1990-01-02T00:00:00Z")), entries);
    }

    [Fact]
    public void Extract_Patient_IndexesRelativeAbsoluteAndLogicalReferences()
    {
        var entries = ExtractJson(PatientJson);

        Assert.Contains(new ReferenceIndex("general-practitioner", "Practitioner", "pr1", null), entries);
        Assert.Contains(new ReferenceIndex("general-practitioner", null, null, null, "urn:oid:1.2.246.537.26", "10101010"), entries);
        Assert.Contains(new ReferenceIndex("organization", "Organization", "o1", "https://fhir.example.fi/fhir/Organization/o1/_history/3"), entries);
    }

    [Fact]
    public void Extract_CarePlan_ResolvesPatientSubjectAndDropsVersion()
    {
        var entries = ExtractJson(CarePlanJson);

        Assert.Contains(new ReferenceIndex("subject", "Patient", "p1", null), entries);
        Assert.Contains(new ReferenceIndex("patient", "Patient", "p1", null), entries);
        Assert.Contains(new ReferenceIndex("care-team", "CareTeam", "ct1", null), entries);
        Assert.Single(entries, e => e is ReferenceIndex { Param: "performer" });
    }

    [Fact]
    public void Extract_CarePlanAboutAGroup_HasSubjectButNoPatient()
    {
        var carePlan = (CarePlan)FhirSerializer.ParseJson(CarePlanJson);
        carePlan.Subject = new ResourceReference("Group/kotihoitotiimi-asiakkaat");

        var entries = Extractor.Extract(carePlan);

        Assert.Contains(new ReferenceIndex("subject", "Group", "kotihoitotiimi-asiakkaat", null), entries);
        Assert.DoesNotContain(entries, e => e.Param == "patient");
    }

    [Fact]
    public void Extract_CarePlan_SkipsContainedReferencesAndIndexesCanonicals()
    {
        var entries = ExtractJson(CarePlanJson);

        Assert.DoesNotContain(entries, e => e.Param == "goal");
        Assert.Contains(new ReferenceIndex("instantiates-canonical", null, null, "https://example.fi/fhir/PlanDefinition/kotihoito"), entries);
        Assert.Contains(new UriIndex("instantiates-uri", "https://example.fi/ohjeet/kotihoito"), entries);
    }

    [Fact]
    public void Extract_CarePlan_IndexesCodingsButNotText()
    {
        var entries = ExtractJson(CarePlanJson);

        Assert.Contains(new TokenIndex("category", "http://snomed.info/sct", "734163000"), entries);
        Assert.Contains(new TokenIndex("status", null, "active"), entries);
        Assert.Contains(new TokenIndex("intent", null, "plan"), entries);
        Assert.Contains(new TokenIndex("activity-code", "urn:example:toiminto", "kotikaynti"), entries);
        Assert.Contains(new TokenIndex("identifier", "urn:oid:1.2.246.10.12345678.10.1", "SUUNNITELMA-1"), entries);
        Assert.DoesNotContain(entries, e => e is TokenIndex { Code: "Hoitosuunnitelma" });
    }

    [Fact]
    public void Extract_CarePlan_PeriodWithOpenEndReachesMaxValue()
    {
        var entries = ExtractJson(CarePlanJson);

        Assert.Contains(new DateIndex("date", Utc("2024-01-15T00:00:00Z"), DateTimeOffset.MaxValue), entries);
    }

    [Fact]
    public void Extract_CarePlan_TimingGivesEventsAndBounds()
    {
        var entries = ExtractJson(CarePlanJson);

        var activityDates = entries.OfType<DateIndex>().Where(d => d.Param == "activity-date").ToList();
        Assert.Equal(3, activityDates.Count);
        Assert.Contains(new DateIndex("activity-date", Utc("2024-02-01T07:00:00Z"), Utc("2024-02-01T07:00:01Z")), activityDates);
        Assert.Contains(new DateIndex("activity-date", Utc("2024-02-01T00:00:00Z"), Utc("2024-07-01T00:00:00Z")), activityDates);
        Assert.Contains(new DateIndex("activity-date", Utc("2024-03-01T00:00:00Z"), Utc("2024-04-01T00:00:00Z")), activityDates);
    }

    [Fact]
    public void Extract_Period_WithNoStartBeginsAtMinValue()
    {
        var episode = new EpisodeOfCare { Id = "e1", Period = new Period { End = "2024-12-31" } };

        var entries = Extractor.Extract(episode);

        Assert.Contains(new DateIndex("date", DateTimeOffset.MinValue, Utc("2025-01-01T00:00:00Z")), entries);
    }

    [Fact]
    public void Extract_ObservationValueQuantity_IndexesValueSystemCodeAndUnit()
    {
        var observation = new Observation
        {
            Status = ObservationStatus.Final,
            Code = new CodeableConcept("http://loinc.org", "29463-7"),
            Subject = new ResourceReference("Patient/p1"),
            Value = new Quantity(72.5m, "kg") { Unit = "kg" },
            Effective = new FhirDateTime("2024-04-02"),
        };

        var entries = Extractor.Extract(observation);

        Assert.Contains(new QuantityIndex("value-quantity", 72.5m, "http://unitsofmeasure.org", "kg", "kg"), entries);
        Assert.Contains(new QuantityIndex("combo-value-quantity", 72.5m, "http://unitsofmeasure.org", "kg", "kg"), entries);
        Assert.Contains(new TokenIndex("code", "http://loinc.org", "29463-7"), entries);
        Assert.Contains(new DateIndex("date", Utc("2024-04-02T00:00:00Z"), Utc("2024-04-03T00:00:00Z")), entries);
        Assert.Contains(new ReferenceIndex("patient", "Patient", "p1", null), entries);
    }

    [Fact]
    public void Extract_ProvenanceTarget_KeepsAbsoluteUrlOfAnotherServer()
    {
        var provenance = new Provenance
        {
            Target = [new ResourceReference("https://muu.example.fi/fhir/Basic/b1"), new ResourceReference("https://muu.example.fi/fhir/Patient/p9")],
            Recorded = DateTimeOffset.Parse("2024-05-01T12:00:00Z"),
        };

        var entries = Extractor.Extract(provenance);

        Assert.Contains(new ReferenceIndex("target", null, null, "https://muu.example.fi/fhir/Basic/b1"), entries);
        Assert.Contains(new ReferenceIndex("target", "Patient", "p9", "https://muu.example.fi/fhir/Patient/p9"), entries);
        Assert.Contains(new ReferenceIndex("patient", "Patient", "p9", "https://muu.example.fi/fhir/Patient/p9"), entries);
    }

    [Fact]
    public void Extract_NumberAndMoney_MapToNumberAndQuantityEntries()
    {
        var extractor = new IndexExtractor(new FixedRegistry(
            new SearchParameterInfo("Encounter", "length-value", SearchParamType.Number, "Encounter.length.value", [], "urn:test:length-value"),
            new SearchParameterInfo("Encounter", "cost", SearchParamType.Quantity, "Encounter.extension.value.ofType(Money)", [], "urn:test:cost")));
        var encounter = new Encounter
        {
            Length = new Duration { Value = 45, Unit = "min", System = "http://unitsofmeasure.org", Code = "min" },
            Extension = [new Extension("urn:test:cost", new Money { Value = 120.50m, Currency = Money.Currencies.EUR })],
        };

        var entries = extractor.Extract(encounter);

        Assert.Equal(
            [new NumberIndex("length-value", 45m), new QuantityIndex("cost", 120.50m, "urn:iso:std:iso:4217", "EUR", null)],
            entries);
    }

    [Fact]
    public void Extract_RepeatedValues_AreDeduplicated()
    {
        var patient = new Patient
        {
            Identifier = [new Identifier("urn:oid:1.2.246.21", "010190-9012"), new Identifier("urn:oid:1.2.246.21", "010190-9012")],
            Name = [new HumanName { Family = "Virtanen" }, new HumanName { Family = "Virtanen" }],
        };

        var entries = Extractor.Extract(patient);

        Assert.Single(entries, e => e is TokenIndex { Param: "identifier" });
        Assert.Single(entries, e => e is StringIndex { Param: "family" });
        Assert.Equal(entries.Count, entries.Distinct().Count());
    }

    [Fact]
    public void Extract_UnservedType_ReturnsNothing() => Assert.Empty(Extractor.Extract(new Medication { Id = "m1" }));

    private sealed class FixedRegistry(params SearchParameterInfo[] parameters) : ISearchParameterRegistry
    {
        public IReadOnlyList<SearchParameterInfo> For(string resourceType) => [.. parameters.Where(p => p.ResourceType == resourceType)];

        public SearchParameterInfo? Find(string resourceType, string name) => For(resourceType).FirstOrDefault(p => p.Name == name);
    }
}
