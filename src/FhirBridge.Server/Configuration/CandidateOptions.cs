namespace FhirBridge.Server.Configuration;

/// <summary>Identification of joint-client candidates (configuration section "Workflow").</summary>
public sealed class CandidateOptions
{
    public const string Section = "Workflow";

    /// <summary>
    /// Encounter.serviceType codes ("system|code") that count as emergency visits in $joint-client-candidates besides
    /// Encounter.class EMER (e.g. a county's own emergency service codes). Empty: class EMER only.
    /// </summary>
    public List<string> CandidateServiceTypes { get; set; } = [];
}
