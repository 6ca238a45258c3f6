using FhirBridge.Core.Validation;
using Hl7.Fhir.Model;
using static FhirBridge.Core.Tests.Validation.Definitions;
using static Hl7.Fhir.Model.OperationOutcome;

namespace FhirBridge.Core.Tests.Validation;

public sealed class ProfileResolutionTests
{
    private static readonly ProfileValidator Validator = Definitions.Validator(
        Profile("BasePlan", "CarePlan",
            El("CarePlan.description", min: 1),
            El("CarePlan").With(e => e.Constraint = [Invariant("fb-title", "title.exists()")])),
        Derived("DerivedPlan", "CarePlan", Url("BasePlan"), El("CarePlan.note", min: 1), El("CarePlan.description", max: "1")),
        Derived("OrphanPlan", "CarePlan", Url("Missing"), El("CarePlan.note", min: 1)),
        SnapshotProfile());

    private static StructureDefinition SnapshotProfile()
    {
        // The snapshot is authoritative: its differential (empty here) is ignored.
        var profile = Profile("SnapshotPlan", "CarePlan");
        profile.Snapshot = new StructureDefinition.SnapshotComponent
        {
            Element = [new ElementDefinition { ElementId = "CarePlan", Path = "CarePlan", Min = 0, Max = "*" }, El("CarePlan.title", min: 1, max: "1")],
        };
        return profile;
    }

    private static CarePlan Plan(params string[] profiles) => new()
    {
        Meta = profiles.Length > 0 ? new Meta { Profile = profiles } : null,
        Status = RequestStatus.Active,
        Intent = CarePlan.CarePlanIntent.Plan,
        Subject = new ResourceReference("Patient/p1"),
    };

    [Fact]
    public void Validate_NoProfile_IsCheckedAgainstBaseR4()
    {
        var plan = Plan();
        plan.Subject = null!;

        var message = Outcomes.AssertIssue(Validator.Validate(plan), IssueSeverity.Error, IssueType.Required, "CarePlan.subject");
        Assert.StartsWith("Base R4 rule", message);
    }

    [Fact]
    public void Validate_UnknownClaimedProfile_WarnsAndStillAppliesBaseRules()
    {
        var plan = Plan("https://example.org/StructureDefinition/unknown");
        plan.Subject = null!;

        var outcome = Validator.Validate(plan);

        var warning = Outcomes.AssertIssue(outcome, IssueSeverity.Warning, IssueType.NotFound, "CarePlan");
        Assert.Contains("profile https://example.org/StructureDefinition/unknown is not loaded", warning);
        Outcomes.AssertIssue(outcome, IssueSeverity.Error, IssueType.Required, "CarePlan.subject");
    }

    [Fact]
    public void Validate_RequestedProfileNotLoaded_IsError() =>
        Outcomes.AssertIssue(Validator.Validate(Plan(), "https://example.org/StructureDefinition/unknown"), IssueSeverity.Error, IssueType.NotFound, "CarePlan");

    [Fact]
    public void Validate_RequestedProfile_AppliesWithoutMetaProfileAndIgnoresClaimedOnes()
    {
        var outcome = Validator.Validate(Plan(Url("SnapshotPlan")), Url("BasePlan"));

        Outcomes.AssertIssue(outcome, IssueSeverity.Error, IssueType.Required, "CarePlan.description");
        Outcomes.AssertIssue(outcome, IssueSeverity.Error, IssueType.Invariant, "CarePlan");
        Assert.Equal(2, Outcomes.ErrorCount(outcome));
    }

    [Fact]
    public void Validate_DerivedProfile_AppliesItsOwnAndInheritedRules()
    {
        var plan = Plan(Url("DerivedPlan"));
        plan.Title = "Monialainen suunnitelma";

        var outcome = Validator.Validate(plan);

        Outcomes.AssertIssue(outcome, IssueSeverity.Error, IssueType.Required, "CarePlan.note");
        Assert.Contains($"{Url("DerivedPlan")}#CarePlan.description", Outcomes.AssertIssue(outcome, IssueSeverity.Error, IssueType.Required, "CarePlan.description"));
        Assert.Equal(2, Outcomes.ErrorCount(outcome));
    }

    [Fact]
    public void Validate_DerivedProfileConforming_IsClean()
    {
        var plan = Plan(Url("DerivedPlan"));
        plan.Title = "Monialainen suunnitelma";
        plan.Description = "Yhteiset tavoitteet";
        plan.Note = [new Annotation { Text = "Sovittu yhdessä" }];

        Outcomes.AssertClean(Validator.Validate(plan));
    }

    [Fact]
    public void Validate_BaseProfileMissingFromTheChain_WarnsAndAppliesTheDerivedRules()
    {
        var outcome = Validator.Validate(Plan(Url("OrphanPlan")));

        Assert.Contains($"base profile {Url("Missing")}", Outcomes.AssertIssue(outcome, IssueSeverity.Warning, IssueType.NotFound, "CarePlan"));
        Outcomes.AssertIssue(outcome, IssueSeverity.Error, IssueType.Required, "CarePlan.note");
    }

    [Fact]
    public void Validate_SnapshotProfile_UsesTheSnapshot()
    {
        Outcomes.AssertIssue(Validator.Validate(Plan(Url("SnapshotPlan"))), IssueSeverity.Error, IssueType.Required, "CarePlan.title");

        var plan = Plan(Url("SnapshotPlan"));
        plan.Title = "Suunnitelma";
        Outcomes.AssertClean(Validator.Validate(plan));
    }

    [Fact]
    public void Validate_ProfileOfAnotherType_IsError() =>
        Assert.Contains("constrains CarePlan, not Patient",
            Outcomes.AssertIssue(Validator.Validate(new Patient(), Url("BasePlan")), IssueSeverity.Error, IssueType.Invalid, "Patient"));

    [Fact]
    public void Validate_VersionedCanonical_ResolvesTheVersionedProfile()
    {
        var profile = Profile("Versioned", "CarePlan", El("CarePlan.title", min: 1));
        profile.Version = "1.2.0";
        var validator = Definitions.Validator(profile);

        Outcomes.AssertIssue(validator.Validate(Plan($"{Url("Versioned")}|1.2.0")), IssueSeverity.Error, IssueType.Required, "CarePlan.title");
        Assert.True(validator.IsLoaded(Url("Versioned")));
        Assert.False(validator.IsLoaded($"{Url("Versioned")}|9.9"));
    }
}
