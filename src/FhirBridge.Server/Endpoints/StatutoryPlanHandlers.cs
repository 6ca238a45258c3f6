using FhirBridge.Bridge.StatutoryPlans;
using FhirBridge.Core.Operations;
using FhirBridge.Core.Security;
using FhirBridge.Server.Audit;
using FhirBridge.Server.Http;

namespace FhirBridge.Server.Endpoints;

/// <summary>The inbound side of the bridge (issue #5): the statutory-plan sync.</summary>
internal static class StatutoryPlanHandlers
{
    /// <summary>
    /// POST CarePlan/[id]/$sync-statutory-plans: 200 with a Parameters (what was created, updated, unchanged, skipped and an
    /// OperationOutcome, which names every system that failed); 503 when every connected system failed.
    /// </summary>
    public static async Task<IResult> SyncStatutoryPlansAsync(
        string id, HttpContext http, IResourceService service, StatutoryPlanSync sync, AccessPolicy policy, RequestAudit audit, CancellationToken ct)
    {
        // The route checks the update scope on CarePlan; the sync also reads the client, and finds, creates and updates
        // the references. Each write of its transaction is checked again.
        var caller = audit.Trail.Caller;
        policy.CheckInteraction(caller, "Patient", ScopeAction.Read);
        policy.CheckInteraction(caller, "DocumentReference", ScopeAction.Create | ScopeAction.Read | ScopeAction.Update | ScopeAction.Search);
        var report = await sync.SyncAsync(service, id, http.ToRequestContext(), ct);
        return FhirResults.Ok(report.ToParameters());
    }
}
