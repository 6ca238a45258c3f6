using Hl7.Fhir.Model;
using static Hl7.Fhir.Model.OperationOutcome;

namespace FhirBridge.Cli;

/// <summary>The validation outcome of one file.</summary>
public sealed record FileOutcome(string File, OperationOutcome Outcome)
{
    public int Errors => Outcome.Issue.Count(i => i.Severity is IssueSeverity.Error or IssueSeverity.Fatal);

    public int Warnings => Outcome.Issue.Count(i => i.Severity is IssueSeverity.Warning);
}
