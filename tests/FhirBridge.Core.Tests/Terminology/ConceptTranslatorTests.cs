using FhirBridge.Core.Errors;
using FhirBridge.Core.Terminology;
using Hl7.Fhir.Model;

namespace FhirBridge.Core.Tests.Terminology;

public sealed class ConceptTranslatorTests
{
    private const string EhrRoles = "https://fhirbridge.fi/fhir/ConceptMap/ehr-professional-role";
    private const string EhrPlans = "https://fhirbridge.fi/fhir/ConceptMap/ehr-plan-type";
    private const string EhrRoleCodes = "https://ehr.example/fhir/CodeSystem/professional-group";
    private const string EhrDocumentTypes = "https://ehr.example/fhir/CodeSystem/document-type";
    private const string SocialWelfareRoleCodes = "urn:oid:1.2.246.10.12345678.10.1";
    private const string Roles = "https://fhirbridge.fi/fhir/CodeSystem/care-team-role";
    private const string PlanTypes = "https://fhirbridge.fi/fhir/CodeSystem/statutory-plan-type";

    private readonly ConceptTranslator _translator = new(ConceptMapSet.Embedded);

    [Theory]
    [InlineData(EhrRoles, EhrRoleCodes, "LAAK", ConceptMapEquivalence.Equivalent, Roles, "physician")]
    [InlineData(EhrRoles, EhrRoleCodes, "ERLAAK", ConceptMapEquivalence.Wider, Roles, "physician")]
    [InlineData(EhrRoles, EhrRoleCodes, "HOIT", ConceptMapEquivalence.Narrower, Roles, "nurse")]
    [InlineData(EhrPlans, EhrDocumentTypes, "HOISUU", ConceptMapEquivalence.Equivalent, PlanTypes, "health-plan")]
    [InlineData(EhrPlans, EhrDocumentTypes, "KUNTSUU", ConceptMapEquivalence.Wider, PlanTypes, "health-plan")]
    [InlineData(EhrPlans, EhrDocumentTypes, "SUUNN", ConceptMapEquivalence.Narrower, PlanTypes, "health-plan")]
    public void Mapped_code_translates_with_its_equivalence(
        string map, string system, string code, ConceptMapEquivalence equivalence, string targetSystem, string targetCode)
    {
        var translation = _translator.Translate(map, new Coding(system, code));

        Assert.True(translation.Result);
        Assert.Null(translation.Message);
        var match = Assert.Single(translation.Matches);
        Assert.Equal((equivalence, targetSystem, targetCode, map), (match.Equivalence, match.Concept!.System, match.Concept.Code, match.Source));
        Assert.False(match.ByUnmappedRule);
    }

    [Fact]
    public void Unmatched_code_is_result_false_with_the_reason_even_when_the_group_has_an_unmapped_rule()
    {
        var translation = _translator.Translate(EhrRoles, new Coding(EhrRoleCodes, "OSSIHT"));

        Assert.False(translation.Result);
        var match = Assert.Single(translation.Matches);
        Assert.Equal(ConceptMapEquivalence.Unmatched, match.Equivalence);
        Assert.Null(match.Concept);
        Assert.Equal($"{EhrRoleCodes}|OSSIHT is unmatched in ConceptMap {EhrRoles}: A ward secretary takes no part in the client's care team.", translation.Message);
    }

    [Fact]
    public void Unknown_code_without_an_unmapped_rule_is_result_false_with_a_message()
    {
        var translation = _translator.Translate(EhrPlans, new Coding(EhrDocumentTypes, "XYZ"));

        Assert.False(translation.Result);
        Assert.Empty(translation.Matches);
        Assert.Equal($"{EhrDocumentTypes}|XYZ has no mapping in ConceptMap {EhrPlans}.", translation.Message);
    }

    [Fact]
    public void Unknown_code_takes_the_fixed_unmapped_target_and_says_so()
    {
        var translation = _translator.Translate(EhrRoles, new Coding(EhrRoleCodes, "KAIKKI"));

        Assert.True(translation.Result);
        var match = Assert.Single(translation.Matches);
        Assert.Equal((ConceptMapEquivalence.Inexact, "other-professional", true), (match.Equivalence, match.Concept!.Code, match.ByUnmappedRule));
        Assert.Contains("unmapped rule gives " + Roles + "|other-professional", translation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_map_url_every_map_from_the_system_is_used_and_targetsystem_filters()
    {
        var all = _translator.Translate(new TranslateRequest([new Coding(SocialWelfareRoleCodes, "PERHETT")]));
        var elsewhere = _translator.Translate(new TranslateRequest([new Coding(SocialWelfareRoleCodes, "PERHETT")], TargetSystem: PlanTypes));

        var match = Assert.Single(all.Matches);
        Assert.Equal((ConceptMapEquivalence.Inexact, "practical-nurse"), (match.Equivalence, match.Concept!.Code));
        Assert.Equal("https://fhirbridge.fi/fhir/ConceptMap/social-welfare-professional-role", match.Source);
        Assert.False(elsewhere.Result);
        Assert.Empty(elsewhere.Matches);
    }

    [Fact]
    public void Source_and_target_value_sets_select_the_maps()
    {
        var none = _translator.Translate(new TranslateRequest(
            [new Coding(EhrRoleCodes, "LAAK")], Target: "https://fhirbridge.fi/fhir/ValueSet/statutory-plan-type"));
        var some = _translator.Translate(new TranslateRequest(
            [new Coding(EhrRoleCodes, "LAAK")], Target: "https://fhirbridge.fi/fhir/ValueSet/care-team-role"));

        Assert.False(none.Result);
        Assert.True(some.Result);
    }

    [Fact]
    public void Unknown_map_is_404_and_an_id_contradicting_the_url_is_400()
    {
        Assert.Throws<ResourceNotFoundException>(() => _translator.Translate("https://example.org/ConceptMap/none", new Coding(EhrRoleCodes, "LAAK")));
        Assert.Throws<ResourceNotFoundException>(() => _translator.Translate(new TranslateRequest([new Coding(EhrRoleCodes, "LAAK")], MapId: "none")));
        Assert.Throws<BadRequestException>(() => _translator.Translate(
            new TranslateRequest([new Coding(EhrRoleCodes, "LAAK")], MapUrl: EhrPlans, MapId: "ehr-professional-role")));
    }

    [Fact]
    public void Map_adds_the_targets_keeps_the_source_codings_and_reports_what_is_not_exact()
    {
        var concept = new CodeableConcept
        {
            Coding = [new Coding(EhrRoleCodes, "ERLAAK"), new Coding(EhrRoleCodes, "OSSIHT"), new Coding(EhrRoleCodes, "SH")],
            Text = "Erikoislääkäri",
        };

        var mapped = _translator.Map(concept, EhrRoles, "CareTeam.participant[0].role[0]");

        Assert.Equal(
            [$"{EhrRoleCodes}|ERLAAK", $"{EhrRoleCodes}|OSSIHT", $"{EhrRoleCodes}|SH", $"{Roles}|physician", $"{Roles}|nurse"],
            mapped.Concept.Coding.Select(c => $"{c.System}|{c.Code}"));
        Assert.Equal("Erikoislääkäri", mapped.Concept.Text);
        Assert.Equal(3, concept.Coding.Count);
        Assert.Collection(
            mapped.Issues,
            wider =>
            {
                Assert.Equal(OperationOutcome.IssueSeverity.Information, wider.Severity);
                Assert.Contains($"{EhrRoleCodes}|ERLAAK mapped to {Roles}|physician as wider", wider.Diagnostics, StringComparison.Ordinal);
            },
            unmatched =>
            {
                Assert.Equal((OperationOutcome.IssueSeverity.Warning, OperationOutcome.IssueType.CodeInvalid), (unmatched.Severity, unmatched.Code));
                Assert.StartsWith($"Not mapped: {EhrRoleCodes}|OSSIHT is unmatched", unmatched.Diagnostics, StringComparison.Ordinal);
                Assert.Equal(["CareTeam.participant[0].role[0]"], unmatched.Expression);
            });
    }

    [Fact]
    public void Map_warns_for_a_fallback_target_and_passes_codings_already_in_the_target_system()
    {
        var concept = new CodeableConcept { Coding = [new Coding(Roles, "nurse"), new Coding(EhrRoleCodes, "KAIKKI"), new Coding("https://other.example/x", "1")] };

        var mapped = _translator.Map(concept, EhrRoles);

        Assert.Equal([$"{Roles}|nurse", $"{EhrRoleCodes}|KAIKKI", "https://other.example/x|1", $"{Roles}|other-professional"],
            mapped.Concept.Coding.Select(c => $"{c.System}|{c.Code}"));
        Assert.Equal(2, mapped.Issues.Count);
        Assert.All(mapped.Issues, i => Assert.Equal(OperationOutcome.IssueSeverity.Warning, i.Severity));
        Assert.Contains("fallback", mapped.Issues[0].Diagnostics, StringComparison.Ordinal);
        Assert.Equal($"Not mapped: ConceptMap {EhrRoles} maps no codes of https://other.example/x.", mapped.Issues[1].Diagnostics);
    }
}
