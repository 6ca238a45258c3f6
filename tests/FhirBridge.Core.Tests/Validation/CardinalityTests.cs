using FhirBridge.Core.Validation;
using Hl7.Fhir.Model;
using static FhirBridge.Core.Tests.Validation.Definitions;
using static Hl7.Fhir.Model.OperationOutcome;

namespace FhirBridge.Core.Tests.Validation;

public sealed class CardinalityTests
{
    private static readonly ProfileValidator Validator = Definitions.Validator(Profile("Plan", "CarePlan",
        El("CarePlan.activity.detail.performer", min: 1),
        El("CarePlan.replaces", max: "0"),
        El("CarePlan.activity.detail.scheduled[x]", min: 1).With(e => e.Type = [Type("Period")])));

    private static CarePlan Plan(params CarePlan.ActivityComponent[] activities) => new()
    {
        Meta = new Meta { Profile = [Url("Plan")] },
        Status = RequestStatus.Active,
        Intent = CarePlan.CarePlanIntent.Plan,
        Subject = new ResourceReference("Patient/p1"),
        Activity = [.. activities],
    };

    private static CarePlan.ActivityComponent Activity(DataType? scheduled = null, bool performer = true) => new()
    {
        Detail = new CarePlan.DetailComponent
        {
            Status = CarePlan.CarePlanActivityStatus.Scheduled,
            Scheduled = scheduled ?? new Period { Start = "2025-03-01" },
            Performer = performer ? [new ResourceReference("PractitionerRole/r1")] : [],
        },
    };

    [Fact]
    public void Validate_ConformingNestedElements_IsClean() =>
        Outcomes.AssertClean(Validator.Validate(Plan(Activity(), Activity())));

    [Fact]
    public void Validate_MissingNestedElementInSecondRepeat_ErrorNamesIndexedPathAndRule()
    {
        var outcome = Validator.Validate(Plan(Activity(), Activity(performer: false)));

        var message = Outcomes.AssertIssue(outcome, IssueSeverity.Error, IssueType.Required, "CarePlan.activity[1].detail.performer");
        Assert.Contains($"{Url("Plan")}#CarePlan.activity.detail.performer", message);
        Assert.Contains("at least 1", message);
        Assert.Equal(1, Outcomes.ErrorCount(outcome));
    }

    [Fact]
    public void Validate_ElementProhibitedByMaxZero_IsError()
    {
        var plan = Plan(Activity());
        plan.Replaces = [new ResourceReference("CarePlan/old")];

        var message = Outcomes.AssertIssue(Validator.Validate(plan), IssueSeverity.Error, IssueType.Structure, "CarePlan.replaces");
        Assert.Contains("must be absent, found 1", message);
    }

    [Fact]
    public void Validate_MissingRequiredChoiceElement_IsError()
    {
        var activity = Activity();
        activity.Detail!.Scheduled = null;

        Outcomes.AssertIssue(Validator.Validate(Plan(activity)), IssueSeverity.Error, IssueType.Required, "CarePlan.activity[0].detail.scheduled");
    }

    [Fact]
    public void Validate_ChoiceTypeOutsideTheRestriction_IsError()
    {
        var outcome = Validator.Validate(Plan(Activity(scheduled: new Timing { Event = ["2025-03-01"] })));

        var message = Outcomes.AssertIssue(outcome, IssueSeverity.Error, IssueType.Structure, "CarePlan.activity[0].detail.scheduled");
        Assert.Contains("type Timing is not allowed here, expected Period", message);
    }

    [Fact]
    public void Validate_BaseCardinalityViolation_ReportedOnceEvenWhenProfileRepeatsIt()
    {
        var validator = Definitions.Validator(Profile("Strict", "CarePlan", El("CarePlan.subject", min: 1)));
        var plan = new CarePlan { Meta = new Meta { Profile = [Url("Strict")] }, Status = RequestStatus.Active, Intent = CarePlan.CarePlanIntent.Plan };

        var outcome = validator.Validate(plan);

        Outcomes.AssertIssue(outcome, IssueSeverity.Error, IssueType.Required, "CarePlan.subject");
        Assert.Equal(1, Outcomes.ErrorCount(outcome));
    }
}
