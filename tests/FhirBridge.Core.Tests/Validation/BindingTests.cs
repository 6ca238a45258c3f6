using FhirBridge.Core.Validation;
using Hl7.Fhir.Model;
using static FhirBridge.Core.Tests.Validation.Definitions;
using static Hl7.Fhir.Model.OperationOutcome;

namespace FhirBridge.Core.Tests.Validation;

public sealed class BindingTests
{
    private static readonly CodeSystem Roles = RoleSystem();
    private static readonly string RoleValueSetUrl = $"{TestCanonicalBase}ValueSet/professional-roles";

    private static readonly ProfileValidator Validator = Definitions.Validator(
        Roles,
        WholeSystem("all-roles", Roles.Url!),
        // Only the professional branch of the hierarchy (is-a), minus a retired code.
        new ValueSet
        {
            Url = RoleValueSetUrl,
            Status = PublicationStatus.Active,
            Compose = new ValueSet.ComposeComponent
            {
                Include = [new ValueSet.ConceptSetComponent
                {
                    System = Roles.Url,
                    Filter = [new ValueSet.FilterComponent { Property = "concept", Op = FilterOperator.IsA, Value = "professional" }],
                }],
                Exclude = [new ValueSet.ConceptSetComponent { System = Roles.Url, Concept = [new ValueSet.ConceptReferenceComponent { Code = "retired-nurse" }] }],
            },
        },
        Profile("Team", "CareTeam",
            El("CareTeam.participant.role").With(e => e.Binding = Binding(BindingStrength.Required, RoleValueSetUrl)),
            El("CareTeam.category").With(e => e.Binding = Binding(BindingStrength.Extensible, $"{TestCanonicalBase}ValueSet/all-roles")),
            El("CareTeam.reasonCode").With(e => e.Binding = Binding(BindingStrength.Preferred, RoleValueSetUrl)),
            El("CareTeam.name").With(e => e.Binding = Binding(BindingStrength.Required, $"{TestCanonicalBase}ValueSet/missing"))));

    private static CodeSystem RoleSystem()
    {
        var system = Codes("care-team-role", "professional", "volunteer");
        system.Concept[0].Concept =
        [
            new CodeSystem.ConceptDefinitionComponent { Code = "social-worker" },
            new CodeSystem.ConceptDefinitionComponent { Code = "nurse", Concept = [new CodeSystem.ConceptDefinitionComponent { Code = "retired-nurse" }] },
        ];
        return system;
    }

    private static ElementDefinition.ElementDefinitionBindingComponent Binding(BindingStrength strength, string valueSet) =>
        new() { Strength = strength, ValueSet = valueSet };

    private static CareTeam Team(params CodeableConcept[] roles) => new()
    {
        Meta = new Meta { Profile = [Url("Team")] },
        Participant = [.. roles.Select(r => new CareTeam.ParticipantComponent { Role = [r], Member = new ResourceReference("Practitioner/x") })],
    };

    [Fact]
    public void Validate_CodesInExpandedValueSets_IsClean()
    {
        var team = Team(new CodeableConcept(Roles.Url, "social-worker"), new CodeableConcept(Roles.Url, "professional"));
        team.Category = [new CodeableConcept(Roles.Url, "volunteer")];
        team.ReasonCode = [new CodeableConcept("http://example.org/other", "whatever")];

        Outcomes.AssertClean(Validator.Validate(team));
    }

    [Theory]
    [InlineData("volunteer")] // outside the is-a branch
    [InlineData("retired-nurse")] // excluded
    [InlineData("unknown")]
    public void Validate_RequiredBindingViolated_IsCodeInvalidError(string code)
    {
        var outcome = Validator.Validate(Team(new CodeableConcept(Roles.Url, "nurse"), new CodeableConcept(Roles.Url, code)));

        var message = Outcomes.AssertIssue(outcome, IssueSeverity.Error, IssueType.CodeInvalid, "CareTeam.participant[1].role[0]");
        Assert.Contains($"not in value set {RoleValueSetUrl} (required binding)", message);
        Assert.Contains("social-worker", message);
        Assert.Equal(1, Outcomes.ErrorCount(outcome));
    }

    [Fact]
    public void Validate_RequiredBindingWithTextOnly_IsError() =>
        Outcomes.AssertIssue(Validator.Validate(Team(new CodeableConcept { Text = "helper" })), IssueSeverity.Error, IssueType.CodeInvalid, "CareTeam.participant[0].role[0]");

    [Fact]
    public void Validate_ExtensibleBindingViolated_IsWarningOnly()
    {
        var team = Team(new CodeableConcept(Roles.Url, "nurse"));
        team.Category = [new CodeableConcept("http://example.org/local", "x")];

        var outcome = Validator.Validate(team);

        Outcomes.AssertIssue(outcome, IssueSeverity.Warning, IssueType.CodeInvalid, "CareTeam.category[0]");
        Outcomes.AssertNoErrors(outcome);
    }

    [Fact]
    public void Validate_ValueSetNotLoaded_WarnsThatTheBindingIsUnchecked()
    {
        var team = Team(new CodeableConcept(Roles.Url, "nurse"));
        team.Name = "Omatiimi";

        var outcome = Validator.Validate(team);

        var message = Outcomes.AssertIssue(outcome, IssueSeverity.Warning, IssueType.NotSupported, "CareTeam.name");
        Assert.Contains("is not loaded", message);
        Outcomes.AssertNoErrors(outcome);
    }
}
