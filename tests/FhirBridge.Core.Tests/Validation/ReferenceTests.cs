using FhirBridge.Core.Validation;
using Hl7.Fhir.Model;
using static FhirBridge.Core.Tests.Validation.Definitions;
using static Hl7.Fhir.Model.OperationOutcome;

namespace FhirBridge.Core.Tests.Validation;

public sealed class ReferenceTests
{
    private static readonly ProfileValidator Validator = Definitions.Validator(
        Profile("Team", "CareTeam", El("CareTeam.participant", min: 1)),
        Profile("Plan", "CarePlan",
            El("CarePlan.subject").With(e => e.Type = [ReferenceTo("http://hl7.org/fhir/StructureDefinition/Patient")]),
            El("CarePlan.careTeam", min: 1).With(e => e.Type = [ReferenceTo(Url("Team"))]),
            El("CarePlan.author").With(e => e.Type = [ReferenceTo(Url("NotLoaded"))])));

    private static CarePlan Plan(string subject, string careTeam) => new()
    {
        Meta = new Meta { Profile = [Url("Plan")] },
        Status = RequestStatus.Active,
        Intent = CarePlan.CarePlanIntent.Plan,
        Subject = new ResourceReference(subject),
        CareTeam = [new ResourceReference(careTeam)],
    };

    private static CareTeam Team(bool conforming, bool claimsProfile = false) => new()
    {
        Id = "t1",
        Meta = claimsProfile ? new Meta { Profile = [Url("Team")] } : null,
        Participant = conforming ? [new CareTeam.ParticipantComponent { Member = new ResourceReference("Practitioner/x") }] : [],
    };

    [Fact]
    public void Validate_TargetTypeNotAllowed_IsError()
    {
        var message = Outcomes.AssertIssue(Validator.Validate(Plan("Group/g1", "CareTeam/t1")), IssueSeverity.Error, IssueType.Value, "CarePlan.subject");

        Assert.Contains("a reference to Group is not allowed here, expected a reference to Patient", message);
    }

    [Fact]
    public void Validate_TargetProfileTypeMismatch_IsError() =>
        Outcomes.AssertIssue(Validator.Validate(Plan("Patient/p1", "Organization/o1")), IssueSeverity.Error, IssueType.Value, "CarePlan.careTeam[0]");

    [Fact]
    public void Validate_TargetNotResolvable_ChecksTheTypeOnly() =>
        Outcomes.AssertClean(Validator.Validate(Plan("Patient/p1", "CareTeam/t1")));

    [Fact]
    public void Validate_ResolvedTargetClaimingTheProfile_IsAccepted()
    {
        var outcome = Validator.Validate(Plan("Patient/p1", "CareTeam/t1"), null, r => r == "CareTeam/t1" ? Team(conforming: false, claimsProfile: true) : null);

        Outcomes.AssertClean(outcome);
    }

    [Fact]
    public void Validate_ResolvedTargetConformingWithoutClaim_IsAccepted() =>
        Outcomes.AssertClean(Validator.Validate(Plan("Patient/p1", "urn:uuid:7f3c2b1e-0d4a-4b8e-9c1a-2e5f6a7b8c9d"), null, _ => Team(conforming: true)));

    [Fact]
    public void Validate_ResolvedTargetNotConforming_IsErrorWithTheTargetsProblem()
    {
        var outcome = Validator.Validate(Plan("Patient/p1", "CareTeam/t1"), null, _ => Team(conforming: false));

        var message = Outcomes.AssertIssue(outcome, IssueSeverity.Error, IssueType.Value, "CarePlan.careTeam[0]");
        Assert.Contains($"does not conform to target profile {Url("Team")}", message);
        Assert.Contains("CareTeam.participant", message);
    }

    [Fact]
    public void Validate_ContainedTarget_IsResolvedWithoutAResolver()
    {
        var plan = Plan("Patient/p1", "#t1");
        plan.Contained = [Team(conforming: false)];

        Outcomes.AssertIssue(Validator.Validate(plan), IssueSeverity.Error, IssueType.Value, "CarePlan.careTeam[0]");
    }

    [Fact]
    public void Validate_TargetProfileNotLoaded_WarnsWhenTheTargetIsFound()
    {
        var plan = Plan("Patient/p1", "CareTeam/t1");
        plan.Author = new ResourceReference("Practitioner/x");

        var outcome = Validator.Validate(plan, null, r => r == "Practitioner/x" ? new Practitioner { Id = "x" } : null);

        Assert.Contains("is not loaded", Outcomes.AssertIssue(outcome, IssueSeverity.Warning, IssueType.NotFound, "CarePlan.author"));
        Outcomes.AssertNoErrors(outcome);
    }
}
