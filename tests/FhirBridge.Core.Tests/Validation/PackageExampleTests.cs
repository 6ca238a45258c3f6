using FhirBridge.Core.Tests.Profiles;
using FhirBridge.Core.Validation;
using Hl7.Fhir.Model;
using static Hl7.Fhir.Model.OperationOutcome;

namespace FhirBridge.Core.Tests.Validation;

/// <summary>The engine on the package's own examples, against profiles/examples/expected-outcomes.json.</summary>
public sealed class PackageExampleTests
{
    private static readonly ProfileValidator Validator = new(new ConformanceSource(FhirBridgePackage.Resources));

    // The kinds of check in expected-outcomes.json and the issue codes the engine reports them with.
    private static readonly Dictionary<string, IssueType[]> RuleCodes = new(StringComparer.Ordinal)
    {
        ["invariant"] = [IssueType.Invariant],
        ["cardinality"] = [IssueType.Required, IssueType.Structure],
        ["slice-cardinality"] = [IssueType.Required, IssueType.Structure],
        ["pattern"] = [IssueType.Value],
        ["fixed"] = [IssueType.Value],
        ["reference-type"] = [IssueType.Value],
        ["binding"] = [IssueType.CodeInvalid],
        ["extension-value-type"] = [IssueType.Structure],
    };

    public static TheoryData<string> ValidExamples => ProfilePackage.Theory(ProfilePackage.ExpectedOutcomes.Where(o => o.Valid).Select(o => o.File));

    public static TheoryData<string> InvalidExamples => ProfilePackage.Theory(ProfilePackage.ExpectedOutcomes.Where(o => !o.Valid).Select(o => o.File));

    public static TheoryData<string> AllExamples => ProfilePackage.Theory(ProfilePackage.ExpectedOutcomes.Select(o => o.File));

    [Theory]
    [MemberData(nameof(ValidExamples))]
    public void ValidExample_HasNoErrors(string file)
    {
        Outcomes.AssertNoErrors(Validate(file));
    }

    [Theory]
    [MemberData(nameof(InvalidExamples))]
    public void InvalidExample_ReportsEachExpectedErrorAndNoOther(string file)
    {
        var outcome = Validate(file);
        var expected = Expected(file).Errors;
        var errors = outcome.Issue.Where(IsError).ToList();

        Assert.All(expected, e => Assert.True(
            errors.Any(i => Matches(e, i)),
            $"expected {e.Rule} {e.Key} at {e.Expression} ({e.Reason}), got:\n{Outcomes.Show(outcome)}"));
        Assert.All(errors, i => Assert.True(
            expected.Any(e => Matches(e, i)),
            $"unexpected error {i.Code} @{string.Join(",", i.Expression)}: {i.Diagnostics}\nin:\n{Outcomes.Show(outcome)}"));
    }

    [Theory]
    [MemberData(nameof(AllExamples))]
    public void EveryIssue_HasSeverityCodeExpressionAndDiagnostics(string file)
    {
        var outcome = Validate(file);

        Assert.NotEmpty(outcome.Issue);
        Assert.All(outcome.Issue, i =>
        {
            Assert.NotNull(i.Severity);
            Assert.NotNull(i.Code);
            Assert.False(string.IsNullOrWhiteSpace(Assert.Single(i.Expression)), Outcomes.Show(outcome));
            Assert.False(string.IsNullOrWhiteSpace(i.Diagnostics), Outcomes.Show(outcome));
        });
    }

    private static OperationOutcome Validate(string file) =>
        Validator.Validate(ProfilePackage.LoadExample(file), Expected(file).Profile);

    private static ExpectedOutcome Expected(string file) => ProfilePackage.ExpectedOutcomes.Single(o => o.File == file);

    private static bool Matches(ExpectedError expected, IssueComponent issue) =>
        issue.Severity.ToString()!.Equals(expected.Severity, StringComparison.OrdinalIgnoreCase)
        && issue.Expression.Contains(expected.Expression)
        && RuleCodes[expected.Rule].Contains(issue.Code!.Value)
        && (expected.Key is null || issue.Diagnostics?.Contains($"constraint {expected.Key} ", StringComparison.Ordinal) == true);

    private static bool IsError(IssueComponent issue) => issue.Severity is IssueSeverity.Error or IssueSeverity.Fatal;
}
