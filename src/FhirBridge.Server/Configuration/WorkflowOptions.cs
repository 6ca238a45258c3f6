using FhirBridge.Core.Workflow;

namespace FhirBridge.Server.Configuration;

/// <summary>The joint-client workflow (configuration section "Workflow").</summary>
public sealed class WorkflowOptions
{
    public const string Section = "Workflow";

    /// <summary>
    /// When a plan's follow-up review is due after its activation (or after the previous follow-up) when the plan states no
    /// date, as a TimeSpan ("70.00:00:00" = 10 weeks, the default). Whole days within 2–3 months (60–92 days), or the
    /// server refuses to start.
    /// </summary>
    public TimeSpan FollowUpAfter { get; set; } = WorkflowSettings.DefaultFollowUpAfter;

    public WorkflowSettings ToSettings() => new(FollowUpAfter);
}
