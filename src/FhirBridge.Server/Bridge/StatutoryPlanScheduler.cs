using FhirBridge.Bridge.StatutoryPlans;
using FhirBridge.Core.Audit;
using FhirBridge.Core.Errors;
using FhirBridge.Core.Operations;
using FhirBridge.Core.Security;
using FhirBridge.Server.Audit;
using FhirBridge.Server.Composition;
using FhirBridge.Server.Configuration;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Options;

namespace FhirBridge.Server.Bridge;

/// <summary>
/// The scheduled statutory-plan sync: every <see cref="StatutoryPlanSyncOptions.Interval"/> (off when zero) it syncs
/// every active multidisciplinary plan as <c>$sync-statutory-plans</c> does, running as the system itself — a system
/// caller of the controller's organisation (AccessLog:Controller), legal basis statutory task — and logged like any
/// request: the listing of the plans, and each plan's sync, are each one logged unit with its own request id.
/// </summary>
internal sealed class StatutoryPlanScheduler(
    IServiceProvider services, StatutoryPlanSyncOptions options, IOptions<AccessLogOptions> log, ILogger<StatutoryPlanScheduler> logger) : BackgroundService
{
    /// <summary>The client id the scheduled sync's log entries name.</summary>
    public const string ClientId = "fhirbridge-statutory-plan-sync";

    public const string CategorySystem = "https://fhirbridge.fi/fhir/CodeSystem/care-plan-category";
    public const string MultidisciplinaryCategory = "multidisciplinary-collaboration-plan";

    // Links inside the sync's own transaction; no client sees them.
    private static readonly Uri InternalBase = new("http://localhost/fhir");

    /// <summary>Syncs every active multidisciplinary plan once; a plan that fails is logged and the others go on.</summary>
    /// <returns>Per plan id, its report, or the failure.</returns>
    public async Task<IReadOnlyDictionary<string, (StatutoryPlanSyncReport? Report, string? Failure)>> SyncAllAsync(CancellationToken cancellationToken)
    {
        var sync = services.GetRequiredService<StatutoryPlanSync>();
        var plans = await AsSystemAsync(new Interaction("search-type", AuditEvent.AuditEventAction.R, "CarePlan", ActivePlansQuery), service => ActivePlansAsync(service, cancellationToken));
        var results = new Dictionary<string, (StatutoryPlanSyncReport?, string?)>(StringComparer.Ordinal);
        foreach (var id in plans)
        {
            try
            {
                results[id] = (await AsSystemAsync(new Interaction("operation", AuditEvent.AuditEventAction.E, $"CarePlan/{id}"), service => sync.SyncAsync(service, id, new RequestContext(InternalBase, StrictHandling: true), cancellationToken)), null);
            }
            catch (FhirException e)
            {
                var failure = string.Join(" ", e.Issues.Select(i => i.Diagnostics));
                logger.LogWarning("Scheduled statutory-plan sync of CarePlan/{Id} failed ({Status}): {Failure}", id, (int)e.Status, failure);
                results[id] = (null, failure);
            }
        }

        return results;
    }

    protected override async System.Threading.Tasks.Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Interval <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Interval);
        do
        {
            try
            {
                var results = await SyncAllAsync(stoppingToken);
                logger.LogInformation("Scheduled statutory-plan sync: {Count} active plan(s), {Failed} failed.", results.Count, results.Values.Count(r => r.Failure is not null));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The next tick tries again (e.g. the database was briefly unavailable).
                logger.LogError(e, "Scheduled statutory-plan sync failed.");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private const string ActivePlansQuery = $"status=active&category={CategorySystem}|{MultidisciplinaryCategory}";

    private static async Task<List<string>> ActivePlansAsync(IResourceService service, CancellationToken cancellationToken) =>
        [.. (await SearchPages.AllAsync<CarePlan>(
            service, [.. UrlQuery.Parse(ActivePlansQuery), new("_elements", "id"), new("_count", "100")], new RequestContext(InternalBase, StrictHandling: true), cancellationToken))
            .Select(p => p.Id!)];

    /// <summary>Runs <paramref name="work"/> as the system caller, with a request id of its own, logged as one unit.</summary>
    private Task<T> AsSystemAsync<T>(Interaction interaction, Func<IResourceService, Task<T>> work)
    {
        var caller = new Caller(
            ClientId, null, log.Value.Controller, CallerRole.SystemIntegration, ScopeSet.Parse("system/*.cruds"), ClientId,
            "FhirBridge statutory plan sync", null, "sync-" + Guid.NewGuid().ToString("N"), null);
        var audit = new RequestAudit(new AccessTrail(caller));
        var service = FhirBridgeServices.GuardedService(services, audit.Trail);
        return services.GetRequiredService<AccessLogging>().RunAsync(audit, interaction, () => work(service));
    }
}
