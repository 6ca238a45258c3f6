using FhirBridge.Core.Validation;
using Hl7.Fhir.Model;
using static FhirBridge.Core.Tests.Validation.Definitions;
using static Hl7.Fhir.Model.OperationOutcome;

namespace FhirBridge.Core.Tests.Validation;

public sealed class FixedPatternTests
{
    private const string Categories = "https://test.fhirbridge.fi/fhir/CodeSystem/plan-category";
    private const string Hetu = "urn:oid:1.2.246.21";

    private static readonly ProfileValidator Validator = Definitions.Validator(
        Profile("FixedIntent", "CarePlan",
            El("CarePlan.intent").With(e => e.Fixed = new Code("plan")),
            El("CarePlan.category").With(e => e.Pattern = new CodeableConcept(Categories, "multidisciplinary"))),
        Profile("PatternedPatient", "Patient",
            El("Patient.identifier").With(e => e.Pattern = new Identifier { System = Hetu }),
            El("Patient.maritalStatus.coding").With(e => e.Pattern = new Coding("http://terminology.hl7.org/CodeSystem/v3-MaritalStatus", "M"))));

    private static CarePlan Plan(CarePlan.CarePlanIntent intent, params CodeableConcept[] categories) => new()
    {
        Meta = new Meta { Profile = [Url("FixedIntent")] },
        Status = RequestStatus.Active,
        Intent = intent,
        Subject = new ResourceReference("Patient/p1"),
        Category = [.. categories],
    };

    [Fact]
    public void Validate_FixedPrimitiveAndCodeableConceptPatternMet_IsClean()
    {
        var category = new CodeableConcept(Categories, "multidisciplinary", "Monialainen suunnitelma");
        category.Coding.Add(new Coding("http://snomed.info/sct", "736055001"));

        Outcomes.AssertClean(Validator.Validate(Plan(CarePlan.CarePlanIntent.Plan, category)));
    }

    [Fact]
    public void Validate_FixedPrimitiveDiffers_IsValueError()
    {
        var outcome = Validator.Validate(Plan(CarePlan.CarePlanIntent.Proposal, new CodeableConcept(Categories, "multidisciplinary")));

        var message = Outcomes.AssertIssue(outcome, IssueSeverity.Error, IssueType.Value, "CarePlan.intent");
        Assert.Contains("exactly 'plan' (fixed), found 'proposal'", message);
    }

    [Fact]
    public void Validate_CodeableConceptPatternNotContained_IsValueErrorPerItem()
    {
        var outcome = Validator.Validate(Plan(CarePlan.CarePlanIntent.Plan, new CodeableConcept(Categories, "other")));

        var message = Outcomes.AssertIssue(outcome, IssueSeverity.Error, IssueType.Value, "CarePlan.category[0]");
        Assert.Contains($"pattern '{Categories}|multidisciplinary'", message);
    }

    [Fact]
    public void Validate_IdentifierAndCodingPatternsMet_IsClean()
    {
        var patient = new Patient
        {
            Meta = new Meta { Profile = [Url("PatternedPatient")] },
            Identifier = [new Identifier(Hetu, "010190-9012")],
            MaritalStatus = new CodeableConcept("http://terminology.hl7.org/CodeSystem/v3-MaritalStatus", "M"),
        };

        Outcomes.AssertClean(Validator.Validate(patient));
    }

    [Fact]
    public void Validate_IdentifierAndCodingPatternsBroken_AreErrors()
    {
        var patient = new Patient
        {
            Meta = new Meta { Profile = [Url("PatternedPatient")] },
            Identifier = [new Identifier(Hetu, "010190-9012"), new Identifier("urn:oid:1.2.246.537.26", "1000099")],
            MaritalStatus = new CodeableConcept("http://terminology.hl7.org/CodeSystem/v3-MaritalStatus", "S"),
        };

        var outcome = Validator.Validate(patient);

        Outcomes.AssertIssue(outcome, IssueSeverity.Error, IssueType.Value, "Patient.identifier[1]");
        Outcomes.AssertIssue(outcome, IssueSeverity.Error, IssueType.Value, "Patient.maritalStatus.coding[0]");
        Assert.Equal(2, Outcomes.ErrorCount(outcome));
    }
}
