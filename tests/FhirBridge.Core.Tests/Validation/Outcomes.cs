using Hl7.Fhir.Model;
using static Hl7.Fhir.Model.OperationOutcome;

namespace FhirBridge.Core.Tests.Validation;

/// <summary>Assertions on validation outcomes that show the whole outcome when they fail.</summary>
internal static class Outcomes
{
    public static string Show(OperationOutcome outcome) =>
        string.Join("\n", outcome.Issue.Select(i => $"{i.Severity} {i.Code} @{string.Join(",", i.Expression)}: {i.Diagnostics}"));

    public static void AssertNoErrors(OperationOutcome outcome) =>
        Assert.False(outcome.Issue.Any(IsError), Show(outcome));

    public static void AssertClean(OperationOutcome outcome)
    {
        var issue = Assert.Single(outcome.Issue);
        Assert.True(issue.Severity == IssueSeverity.Information, Show(outcome));
    }

    /// <summary>Exactly one issue at <paramref name="expression"/> with this severity and code; returns its diagnostics.</summary>
    public static string AssertIssue(OperationOutcome outcome, IssueSeverity severity, IssueType code, string expression)
    {
        var matching = outcome.Issue.Where(i => i.Severity == severity && i.Code == code && i.Expression.Contains(expression)).ToList();
        Assert.True(matching.Count == 1, $"expected one {severity} {code} at {expression}, got:\n{Show(outcome)}");
        return matching[0].Diagnostics ?? string.Empty;
    }

    public static int ErrorCount(OperationOutcome outcome) => outcome.Issue.Count(IsError);

    private static bool IsError(IssueComponent issue) => issue.Severity is IssueSeverity.Error or IssueSeverity.Fatal;
}
