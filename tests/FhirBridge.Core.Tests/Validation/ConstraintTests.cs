using FhirBridge.Core.Validation;
using Hl7.Fhir.Model;
using static FhirBridge.Core.Tests.Validation.Definitions;
using static Hl7.Fhir.Model.OperationOutcome;

namespace FhirBridge.Core.Tests.Validation;

public sealed class ConstraintTests
{
    private const string Responsible = "responsible";

    private static readonly ProfileValidator Validator = Definitions.Validator(
        Profile("Episode", "EpisodeOfCare",
            El("EpisodeOfCare").With(e => e.Constraint =
            [
                Invariant("fb-end", "status = 'finished' implies period.end.exists()"),
                Invariant("fb-team", "team.exists()", ConstraintSeverity.Warning),
            ])),
        Profile("Team", "CareTeam",
            El("CareTeam").With(e => e.Constraint = [Invariant("fb-one", $"participant.where(role.coding.code = '{Responsible}').count() = 1")]),
            // Evaluated per participant, with %resource the whole team.
            El("CareTeam.participant").With(e => e.Constraint =
                [Invariant("fb-member", "member.exists() and (%resource.status.exists() or period.exists())")])),
        Profile("Broken", "Patient", El("Patient").With(e => e.Constraint = [Invariant("fb-bad", "name.where(")])));

    private static EpisodeOfCare Episode(EpisodeOfCare.EpisodeOfCareStatus status, string? end) => new()
    {
        Meta = new Meta { Profile = [Url("Episode")] },
        Status = status,
        Patient = new ResourceReference("Patient/p1"),
        Period = new Period { Start = "2025-01-01", End = end },
        Team = [new ResourceReference("CareTeam/t1")],
    };

    private static CareTeam.ParticipantComponent Participant(string role, string? member = "PractitionerRole/r1") => new()
    {
        Role = [new CodeableConcept("https://test.fhirbridge.fi/fhir/CodeSystem/roles", role)],
        Member = member is null ? null : new ResourceReference(member),
    };

    private static CareTeam Team(params CareTeam.ParticipantComponent[] participants) => new()
    {
        Meta = new Meta { Profile = [Url("Team")] },
        Status = CareTeam.CareTeamStatus.Active,
        Participant = [.. participants],
    };

    [Fact]
    public void Validate_ResourceInvariantHolds_IsClean() =>
        Outcomes.AssertClean(Validator.Validate(Episode(EpisodeOfCare.EpisodeOfCareStatus.Finished, "2025-06-30")));

    [Fact]
    public void Validate_ResourceInvariantFails_IsInvariantErrorNamingKeyAndExpression()
    {
        var message = Outcomes.AssertIssue(Validator.Validate(Episode(EpisodeOfCare.EpisodeOfCareStatus.Finished, null)),
            IssueSeverity.Error, IssueType.Invariant, "EpisodeOfCare");

        Assert.Contains("constraint fb-end failed", message);
        Assert.Contains("status = 'finished' implies period.end.exists()", message);
    }

    [Fact]
    public void Validate_WarningInvariantFails_IsWarning()
    {
        var episode = Episode(EpisodeOfCare.EpisodeOfCareStatus.Active, null);
        episode.Team.Clear();

        var outcome = Validator.Validate(episode);

        Outcomes.AssertIssue(outcome, IssueSeverity.Warning, IssueType.Invariant, "EpisodeOfCare");
        Outcomes.AssertNoErrors(outcome);
    }

    [Fact]
    public void Validate_ExactlyOneResponsibleAndEveryMemberPresent_IsClean() =>
        Outcomes.AssertClean(Validator.Validate(Team(Participant(Responsible), Participant("nurse"))));

    [Fact]
    public void Validate_TwoResponsibleWorkers_FailsTheResourceInvariant() =>
        Outcomes.AssertIssue(Validator.Validate(Team(Participant(Responsible), Participant(Responsible))),
            IssueSeverity.Error, IssueType.Invariant, "CareTeam");

    [Fact]
    public void Validate_NestedInvariant_IsEvaluatedPerElementInstance()
    {
        var outcome = Validator.Validate(Team(Participant(Responsible), Participant("nurse", member: null), Participant("teacher")));

        var message = Outcomes.AssertIssue(outcome, IssueSeverity.Error, IssueType.Invariant, "CareTeam.participant[1]");
        Assert.Contains($"{Url("Team")}#CareTeam.participant constraint fb-member", message);
        Assert.Equal(1, Outcomes.ErrorCount(outcome));
    }

    [Fact]
    public void Validate_InvariantThatDoesNotCompile_WarnsInsteadOfFailing()
    {
        var outcome = Validator.Validate(new Patient { Meta = new Meta { Profile = [Url("Broken")] } });

        Assert.Contains("fb-bad", Outcomes.AssertIssue(outcome, IssueSeverity.Warning, IssueType.NotSupported, "Patient"));
        Outcomes.AssertNoErrors(outcome);
    }
}
