namespace FhirBridge.Core.Audit;

/// <summary>
/// The append-only access and disclosure log. Entries are never updated or deleted except by <see cref="PurgeAsync"/>;
/// each is chained to the one before it by SHA-256 over its JSON, so a changed or removed entry is detectable.
/// Writes that change data append their entries through <see cref="Storage.IStoreSession.AppendAuditAsync"/>, in the
/// data's own transaction; everything else (reads, denials) through <see cref="AppendAsync"/>.
/// </summary>
public interface IAuditLog
{
    /// <summary>
    /// Stores entries durably before returning (concurrent callers may share one commit). When the log cannot be
    /// written, throws <see cref="Errors.ServiceUnavailableException"/>: the caller must then not return data (fail closed).
    /// </summary>
    Task AppendAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken);

    /// <summary>One entry by AuditEvent id, or null.</summary>
    Task<AuditEntry?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>Entries matching every given filter, newest first (or oldest first), one page at a time.</summary>
    Task<AuditPage> SearchAsync(AuditQuery query, CancellationToken cancellationToken);

    /// <summary>Checks the whole chain from its start (or the last purge's anchor) and reports the first broken link.</summary>
    Task<ChainReport> VerifyChainAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the entries recorded before <paramref name="recordedBefore"/> (a prefix of the chain, never anything newer)
    /// and, in the same transaction, appends the entry <paramref name="purgeEntry"/> makes of the number deleted.
    /// Later verification starts at the anchor the purge leaves. Returns the number deleted.
    /// </summary>
    Task<int> PurgeAsync(DateTimeOffset recordedBefore, Func<int, AuditEntry> purgeEntry, CancellationToken cancellationToken);
}

/// <summary>A compliance query over the logs; null filters match everything. Recorded times are [From, To): From inclusive, To exclusive.</summary>
/// <param name="LegalBases">Any of these legal-basis codes; "none" matches entries without a basis (denied).</param>
/// <param name="Count">Page size (already clamped by the caller).</param>
/// <param name="PageToken">The opaque cursor of <see cref="AuditPage.NextPageToken"/>.</param>
/// <param name="OldestFirst">Order by recorded ascending (reports) instead of newest first.</param>
public sealed record AuditQuery(
    string? PatientId = null,
    string? User = null,
    string? Organization = null,
    DateTimeOffset? RecordedFrom = null,
    DateTimeOffset? RecordedTo = null,
    AuditKind? Kind = null,
    string? Action = null,
    string? Outcome = null,
    IReadOnlyList<string>? LegalBases = null,
    bool? BreakGlass = null,
    int Count = 50,
    string? PageToken = null,
    bool OldestFirst = false)
{
    /// <summary>The <see cref="LegalBases"/> value that matches entries recorded without a basis.</summary>
    public const string NoBasis = Security.LegalBasis.NoneCode;
}

/// <summary>One page of log entries; <see cref="NextPageToken"/> is null on the last page.</summary>
public sealed record AuditPage(IReadOnlyList<AuditEntry> Entries, string? NextPageToken);

/// <summary>The result of walking the hash chain.</summary>
/// <param name="Intact">True when every checked link holds.</param>
/// <param name="Checked">How many entries were checked.</param>
/// <param name="FirstBrokenId">The AuditEvent id of the first entry whose link does not hold.</param>
/// <param name="FirstBrokenPosition">Its position in the chain (1 = the first entry ever appended).</param>
/// <param name="Problem">What is wrong there, for a person.</param>
public sealed record ChainReport(bool Intact, long Checked, string? FirstBrokenId = null, long? FirstBrokenPosition = null, string? Problem = null);
