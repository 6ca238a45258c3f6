using FhirBridge.Core.Audit;
using FhirBridge.Core.Security;
using Hl7.Fhir.Model;

namespace FhirBridge.Server.Audit;

/// <summary>
/// One request's access-log state: the trail the guarded store fills, plus what handlers that do not go through the
/// store (the log queries) report themselves. Turns both into <see cref="LoggedData"/>.
/// </summary>
internal sealed class RequestAudit(AccessTrail trail)
{
    private readonly List<LoggedData> _reported = [];
    private readonly HashSet<DataAccess> _logged = new(ReferenceEqualityComparer.Instance);

    public AccessTrail Trail => trail;

    /// <summary>Something the handler itself touched (e.g. the client a log query was about).</summary>
    public void Report(LoggedData data) => _reported.Add(data);

    /// <summary>
    /// A write attempt's items: its writes only — what it read on the way (current versions, reference targets) went to
    /// no one; an attempt that wrote nothing (a conditional create that found its match) returned what it read.
    /// </summary>
    public IReadOnlyList<LoggedData> TakeWrite(IReadOnlyList<DataAccess> attempt)
    {
        foreach (var access in attempt)
        {
            _logged.Add(access);
            LoggedWrites = true;
        }

        var writes = attempt.Where(a => a.Kind != DataAccessKind.Read).ToList();
        return [.. (writes.Count > 0 ? writes : attempt).Select(Logged)];
    }

    /// <summary>What the request read and no write attempt has logged yet, plus what handlers reported.</summary>
    public IReadOnlyList<LoggedData> TakeReads() =>
        [.. trail.Accesses.Where(a => _logged.Add(a)).Select(Logged), .. _reported];

    /// <summary>True when some write attempt's entries went into its own transaction.</summary>
    public bool LoggedWrites { get; private set; }

    /// <summary>The refused attempts, as entries without a basis.</summary>
    public IReadOnlyList<LoggedData> Denied() =>
        [.. trail.Denied.Select(d => new LoggedData(d.Id is null ? d.Type : $"{d.Type}/{d.Id}", d.PatientId, null, Action(d.Kind)))];

    private static LoggedData Logged(DataAccess access) =>
        new($"{access.Type}/{access.Id}/_history/{access.Version}", access.PatientId, access.Basis, Action(access.Kind));

    private static AuditEvent.AuditEventAction Action(DataAccessKind kind) => kind switch
    {
        DataAccessKind.Create => AuditEvent.AuditEventAction.C,
        DataAccessKind.Update => AuditEvent.AuditEventAction.U,
        DataAccessKind.Delete => AuditEvent.AuditEventAction.D,
        _ => AuditEvent.AuditEventAction.R,
    };
}
