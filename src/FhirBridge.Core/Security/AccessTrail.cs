using FhirBridge.Core.Audit;

namespace FhirBridge.Core.Security;

/// <summary>What a <see cref="DataAccess"/> did with the resource.</summary>
public enum DataAccessKind
{
    Read,
    Create,
    Update,
    Delete,
}

/// <summary>One resource version the guard released to or wrote for the caller, with whose data it is and why that was lawful.</summary>
/// <param name="PatientId">The client whose data it is; null for directory data.</param>
/// <param name="Basis">The lawful basis; null for directory data.</param>
public sealed record DataAccess(string Type, string Id, int Version, string? PatientId, LegalBasis? Basis, DataAccessKind Kind);

/// <summary>An attempt the guard refused for want of a lawful basis: the integration logs it as a denied access.</summary>
/// <param name="Id">The resource, when one was addressed.</param>
public sealed record DeniedAccess(string Type, string? Id, string PatientId, DataAccessKind Kind);

/// <summary>
/// The caller of one request and what <see cref="GuardedStore"/> released, wrote and refused during it, in order:
/// the raw material of the access and disclosure log entries.
/// </summary>
public sealed class AccessTrail(Caller caller)
{
    private readonly List<DataAccess> _accesses = [];
    private readonly List<DeniedAccess> _denied = [];

    public Caller Caller { get; } = caller;

    public IReadOnlyList<DataAccess> Accesses => _accesses;

    public IReadOnlyList<DeniedAccess> Denied => _denied;

    /// <summary>
    /// Called at the end of each successful write attempt with that attempt's accesses; the entries it returns are appended
    /// in the same transaction (703/2023: a change and its log entry commit together).
    /// </summary>
    public Func<IReadOnlyList<DataAccess>, IReadOnlyList<AuditEntry>>? OnWriteCommit { get; set; }

    internal (int Accesses, int Denied) Mark() => (_accesses.Count, _denied.Count);

    internal IReadOnlyList<DataAccess> AccessesSince(int mark) => _accesses.Skip(mark).ToList();

    internal void Record(DataAccess access) => _accesses.Add(access);

    internal void Deny(DeniedAccess denied) => _denied.Add(denied);

    internal void TruncateAccesses(int mark) => _accesses.RemoveRange(mark, _accesses.Count - mark);

    internal void TruncateDenied(int mark) => _denied.RemoveRange(mark, _denied.Count - mark);
}
