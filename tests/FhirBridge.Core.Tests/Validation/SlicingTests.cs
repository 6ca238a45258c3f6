using FhirBridge.Core.Validation;
using Hl7.Fhir.Model;
using static FhirBridge.Core.Tests.Validation.Definitions;
using static Hl7.Fhir.Model.OperationOutcome;

namespace FhirBridge.Core.Tests.Validation;

public sealed class SlicingTests
{
    private const string Hetu = "urn:oid:1.2.246.21";
    private const string Categories = "https://test.fhirbridge.fi/fhir/CodeSystem/plan-category";

    private static readonly ProfileValidator Validator = Definitions.Validator(
        ExtensionDefinition("end-reason", "CodeableConcept"),
        Profile("Episode", "EpisodeOfCare",
            Slice("EpisodeOfCare.extension:endReason", max: "1").With(e => e.Type = [Type("Extension", Url("end-reason"))]),
            Slice("EpisodeOfCare.extension:ward", min: 1).With(e => e.Type = [Type("Extension", Url("ward"))])),
        Profile("Patient", "Patient",
            El("Patient.identifier").With(e => e.Slicing = Slicing(ElementDefinition.DiscriminatorType.Value, "system", ElementDefinition.SlicingRules.Open)),
            Slice("Patient.identifier:hetu", min: 1, max: "1"),
            El("Patient.identifier:hetu.system").With(e => e.Fixed = new FhirUri(Hetu)),
            El("Patient.identifier:hetu.value", min: 1)),
        Profile("Plan", "CarePlan",
            El("CarePlan.category").With(e => e.Slicing = Slicing(ElementDefinition.DiscriminatorType.Pattern, "$this", ElementDefinition.SlicingRules.Closed)),
            Slice("CarePlan.category:multi", min: 1, max: "1").With(e => e.Pattern = new CodeableConcept(Categories, "multidisciplinary")),
            Slice("CarePlan.category:followUp").With(e => e.Pattern = new CodeableConcept(Categories, "follow-up"))));

    private static ElementDefinition.SlicingComponent Slicing(ElementDefinition.DiscriminatorType type, string path, ElementDefinition.SlicingRules rules) =>
        new() { Discriminator = [new ElementDefinition.DiscriminatorComponent { Type = type, Path = path }], Rules = rules };

    private static EpisodeOfCare Episode(params Extension[] extensions)
    {
        var episode = new EpisodeOfCare
        {
            Meta = new Meta { Profile = [Url("Episode")] },
            Status = EpisodeOfCare.EpisodeOfCareStatus.Finished,
            Patient = new ResourceReference("Patient/p1"),
        };
        episode.Extension.AddRange(extensions);
        return episode;
    }

    private static Extension EndReason(DataType value) => new(Url("end-reason"), value);

    private static Extension Ward() => new(Url("ward"), new FhirString("A1"));

    private static CarePlan Plan(params string[] categories) => new()
    {
        Meta = new Meta { Profile = [Url("Plan")] },
        Status = RequestStatus.Active,
        Intent = CarePlan.CarePlanIntent.Plan,
        Subject = new ResourceReference("Patient/p1"),
        Category = [.. categories.Select(c => new CodeableConcept(Categories, c))],
    };

    [Fact]
    public void Validate_ExtensionSlicesConform_HasNoErrorsAndNotesTheUnloadedDefinition()
    {
        var outcome = Validator.Validate(Episode(EndReason(new CodeableConcept(Categories, "goal-reached")), Ward()));

        Outcomes.AssertNoErrors(outcome);
        var warning = Assert.Single(outcome.Issue);
        Assert.Contains($"profile {Url("ward")} is not loaded", warning.Diagnostics);
    }

    [Fact]
    public void Validate_ExtensionValueOfWrongType_IsCheckedWithTheExtensionDefinition()
    {
        var outcome = Validator.Validate(Episode(EndReason(new FhirString("goal reached")), Ward()));

        var message = Outcomes.AssertIssue(outcome, IssueSeverity.Error, IssueType.Structure, "EpisodeOfCare.extension[0].value");
        Assert.Contains($"{Url("end-reason")}#Extension.value[x]: type string is not allowed here, expected CodeableConcept", message);
    }

    [Fact]
    public void Validate_ExtensionSliceCardinality_MinAndMaxAreErrors()
    {
        var code = new CodeableConcept(Categories, "goal-reached");

        var outcome = Validator.Validate(Episode(EndReason(code), EndReason(code)));

        Assert.Contains("slice 'ward' requires at least 1", Outcomes.AssertIssue(outcome, IssueSeverity.Error, IssueType.Required, "EpisodeOfCare.extension"));
        Assert.Contains("slice 'endReason' allows at most 1", Outcomes.AssertIssue(outcome, IssueSeverity.Error, IssueType.Structure, "EpisodeOfCare.extension"));
    }

    [Fact]
    public void Validate_IdentifierSliceBySystem_Conforms() =>
        Outcomes.AssertClean(Validator.Validate(new Patient
        {
            Meta = new Meta { Profile = [Url("Patient")] },
            Identifier = [new Identifier("urn:oid:1.2.246.10.1234567", "x"), new Identifier(Hetu, "010190-9012")],
        }));

    [Fact]
    public void Validate_IdentifierSliceMissingOrIncomplete_AreErrors()
    {
        var missing = Validator.Validate(new Patient { Meta = new Meta { Profile = [Url("Patient")] }, Identifier = [new Identifier("urn:other", "x")] });
        var incomplete = Validator.Validate(new Patient { Meta = new Meta { Profile = [Url("Patient")] }, Identifier = [new Identifier { System = Hetu }] });

        Assert.Contains("slice 'hetu'", Outcomes.AssertIssue(missing, IssueSeverity.Error, IssueType.Required, "Patient.identifier"));
        Assert.Contains("#Patient.identifier:hetu.value", Outcomes.AssertIssue(incomplete, IssueSeverity.Error, IssueType.Required, "Patient.identifier[0].value"));
    }

    [Fact]
    public void Validate_ClosedPatternSlicing_AcceptsKnownSlices() =>
        Outcomes.AssertClean(Validator.Validate(Plan("follow-up", "multidisciplinary")));

    [Fact]
    public void Validate_ClosedPatternSlicing_RejectsItemsMatchingNoSlice()
    {
        var outcome = Validator.Validate(Plan("multidisciplinary", "other"));

        var message = Outcomes.AssertIssue(outcome, IssueSeverity.Error, IssueType.Structure, "CarePlan.category[1]");
        Assert.Contains("matches none of the slices multi, followUp and the slicing is closed", message);
        Assert.Equal(1, Outcomes.ErrorCount(outcome));
    }
}
