using FhirBridge.Bridge.ConnectedSystems;
using FhirBridge.Core.Errors;
using Hl7.Fhir.Model;
using Hl7.Fhir.Utility;

namespace FhirBridge.Bridge.StatutoryPlans;

/// <summary>What a sync did with one source document.</summary>
public enum SyncOutcome
{
    /// <summary>A new StatutoryPlanReference was stored.</summary>
    [EnumLiteral("created")]
    Created,

    /// <summary>The document changed in its system: the reference got a new version.</summary>
    [EnumLiteral("updated")]
    Updated,

    /// <summary>The reference already says what the system says: nothing was written.</summary>
    [EnumLiteral("unchanged")]
    Unchanged,

    /// <summary>Not stored (unmapped type, no document OID, another client's document): an issue says why.</summary>
    [EnumLiteral("skipped")]
    Skipped,
}

/// <summary>One source document and what became of it.</summary>
/// <param name="Reference">The StatutoryPlanReference version ("DocumentReference/id/_history/v"); null when skipped.</param>
public sealed record SyncedPlan(ConnectedSystem System, DocumentReference Source, string? DocumentOid, SyncOutcome Outcome, string? Reference);

/// <summary>The result of <c>$sync-statutory-plans</c> on one plan.</summary>
/// <param name="CarePlan">The plan's version after the sync ("CarePlan/id/_history/v").</param>
/// <param name="LinksAdded">How many supportingInfo links were added.</param>
/// <param name="FailedSystems">The connected systems that failed (the others were synced).</param>
/// <param name="Issues">Failed systems, unmapped or approximate codes, skipped documents.</param>
public sealed record StatutoryPlanSyncReport(
    string CarePlan,
    int LinksAdded,
    IReadOnlyList<SyncedPlan> Plans,
    IReadOnlyList<ConnectedSystem> FailedSystems,
    IReadOnlyList<OperationOutcome.IssueComponent> Issues)
{
    /// <summary>
    /// The operation's output: <c>carePlan</c> (Reference), <c>linksAdded</c>, one <c>plan</c> per source document (parts
    /// <c>outcome</c> created|updated|unchanged|skipped, <c>system</c> Reference to the Endpoint, <c>source</c> the document's
    /// URL in its system, <c>masterIdentifier</c>, <c>reference</c> the stored version) and <c>outcome</c>, an OperationOutcome.
    /// </summary>
    public Parameters ToParameters()
    {
        var parameters = new Parameters();
        parameters.Add("carePlan", new ResourceReference(CarePlan));
        parameters.Add("linksAdded", new Integer(LinksAdded));
        foreach (var plan in Plans)
        {
            var parts = new List<Tuple<string, Base>>
            {
                Tuple.Create("outcome", (Base)new Code(plan.Outcome.GetLiteral())),
                Tuple.Create("system", (Base)new ResourceReference($"Endpoint/{plan.System.EndpointId}", plan.System.Name)),
                Tuple.Create("source", (Base)new FhirUri($"{plan.System.BaseUrl.AbsoluteUri}/DocumentReference/{plan.Source.Id}")),
            };
            if (plan.DocumentOid is not null)
            {
                parts.Add(Tuple.Create("masterIdentifier", (Base)new Identifier(StatutoryPlanMapper.UriSystem, "urn:oid:" + plan.DocumentOid)));
            }

            if (plan.Reference is not null)
            {
                parts.Add(Tuple.Create("reference", (Base)new ResourceReference(plan.Reference)));
            }

            parameters.Add("plan", parts);
        }

        parameters.Parameter.Add(new Parameters.ParameterComponent { Name = "outcome", Resource = Outcome() });
        return parameters;
    }

    private OperationOutcome Outcome()
    {
        var issues = Issues.Select(i => (OperationOutcome.IssueComponent)i.DeepCopy()).ToList();
        var counts = string.Join(", ", Enum.GetValues<SyncOutcome>().Select(o => $"{Plans.Count(p => p.Outcome == o)} {o.GetLiteral()}"));
        issues.Insert(0, FhirException.Issue(OperationOutcome.IssueSeverity.Information, OperationOutcome.IssueType.Informational,
            $"{Plans.Count} statutory plan document(s): {counts}; {LinksAdded} link(s) added to {CarePlan}"
            + (FailedSystems.Count == 0 ? "." : $"; {FailedSystems.Count} connected system(s) failed.")));
        return new OperationOutcome { Issue = issues };
    }
}
