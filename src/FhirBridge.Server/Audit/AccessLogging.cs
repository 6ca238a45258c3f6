using FhirBridge.Core.Audit;
using FhirBridge.Core.Errors;
using FhirBridge.Server.Configuration;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Options;

namespace FhirBridge.Server.Audit;

/// <summary>
/// Logs one unit of access (703/2023) — a FHIR request, or a run of the bridge's scheduled sync: writes log in their own
/// transaction through the trail's hook; reads, and every failed or refused attempt, are committed when the work ends.
/// When the log cannot be written the work fails and returns no data (fail closed).
/// </summary>
internal sealed class AccessLogging(AuditEventFactory factory, IAuditLog log, IOptions<AccessLogOptions> options)
{
    private readonly bool _enabled = options.Value.Enabled;

    public async Task<T> RunAsync<T>(RequestAudit audit, Interaction interaction, Func<Task<T>> work)
    {
        if (!_enabled)
        {
            return await work();
        }

        var caller = audit.Trail.Caller;
        audit.Trail.OnWriteCommit = attempt => factory.ForRequest(caller, interaction, audit.TakeWrite(attempt), RequestOutcome.Success);
        T result;
        try
        {
            result = await work();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var outcome = e is FhirException { Status: < System.Net.HttpStatusCode.InternalServerError } failure
                ? new RequestOutcome(AuditEvent.AuditEventOutcome.N4, failure.Issues.FirstOrDefault()?.Diagnostics)
                : new RequestOutcome(AuditEvent.AuditEventOutcome.N8, e.Message);
            await AppendAsync(factory.ForRequest(caller, interaction, audit.Denied(), outcome));
            throw;
        }

        var reads = audit.TakeReads();
        if (reads.Count > 0 || !audit.LoggedWrites)
        {
            await AppendAsync(factory.ForRequest(caller, interaction, reads, RequestOutcome.Success));
        }

        return result;
    }

    // Not cancelled with the request: an access that happened is logged even when the client went away.
    private System.Threading.Tasks.Task AppendAsync(IReadOnlyList<AuditEntry> entries) => log.AppendAsync(entries, CancellationToken.None);
}
