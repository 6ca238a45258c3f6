using FhirBridge.Core.Audit;

namespace FhirBridge.Core.Outbox;

/// <summary>Where one delivery of a resource version to a connected system stands.</summary>
public enum DeliveryStatus
{
    /// <summary>Waiting for its (next) attempt.</summary>
    Pending,

    /// <summary>The system accepted it (it holds this version or, for a retry, already held it).</summary>
    Done,

    /// <summary>Not sent: the client's consent does not cover the system (see the reason).</summary>
    Withheld,

    /// <summary>Not sent: a newer version of the resource replaced it (pending, or already at the system).</summary>
    Superseded,

    /// <summary>Gave up after the configured attempts (or a fault retrying cannot fix); an administrator may retry it.</summary>
    DeadLetter,
}

/// <summary>A resource version to deliver to one connected system, written in the change's own transaction.</summary>
/// <param name="EndpointId">The connected system's Endpoint id.</param>
public sealed record OutboxEntry(string EndpointId, string ResourceType, string ResourceId, int Version, DateTimeOffset CreatedAt);

/// <summary>One outbox row as stored.</summary>
/// <param name="Id">The row's sequence number: its id in the admin API.</param>
/// <param name="Attempts">Attempts begun so far (counted when claimed, so an attempt cut short by a crash counts).</param>
/// <param name="FinishedAt">When it reached a final status.</param>
/// <param name="Reason">Why it was withheld, superseded or dead-lettered, or what the last failed attempt met.</param>
/// <param name="Basis">The lawful basis of a done delivery ("Consent/{id}"), or null.</param>
public sealed record Delivery(
    long Id,
    string EndpointId,
    string ResourceType,
    string ResourceId,
    int Version,
    DeliveryStatus Status,
    int Attempts,
    DateTimeOffset CreatedAt,
    DateTimeOffset NextAttemptAt,
    DateTimeOffset? FinishedAt,
    string? Reason,
    string? Basis)
{
    /// <summary>"Type/id/_history/version".</summary>
    public string VersionReference => $"{ResourceType}/{ResourceId}/_history/{Version}";
}

/// <summary>How an attempt ended: a final status, or <see cref="DeliveryStatus.Pending"/> with the time of the next attempt.</summary>
public sealed record DeliveryOutcome(DeliveryStatus Status, string? Reason = null, string? Basis = null, DateTimeOffset? RetryAt = null);

/// <summary>An admin listing: null filters match everything; newest first.</summary>
public sealed record DeliveryQuery(string? EndpointId = null, DeliveryStatus? Status = null, int Count = 100);

/// <summary>
/// The bridge's transactional outbox (issue #5). Rows are added by <see cref="Storage.IStoreSession.AppendOutboxAsync"/> in
/// the change's transaction; delivery workers (any number, in any process) claim due rows under a lease, so a row whose
/// worker died is claimed again once its lease expires.
/// </summary>
public interface IOutbox
{
    /// <summary>
    /// Leases up to <paramref name="max"/> due rows to <paramref name="owner"/> until <paramref name="now"/> + <paramref name="lease"/>:
    /// only the newest pending version of each (system, resource) and none whose resource is leased to someone else; the
    /// older pending versions of a claimed resource become <see cref="DeliveryStatus.Superseded"/>.
    /// </summary>
    Task<IReadOnlyList<Delivery>> ClaimAsync(string owner, int max, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>
    /// Records how the attempt ended and, in the same transaction, appends <paramref name="entries"/> (the disclosure log
    /// entries of a done delivery). False (and nothing written) when the lease was lost to another worker.
    /// </summary>
    Task<bool> FinishAsync(Delivery delivery, string owner, DeliveryOutcome outcome, IReadOnlyList<AuditEntry> entries, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Rows matching <paramref name="query"/>, newest first.</summary>
    Task<IReadOnlyList<Delivery>> SearchAsync(DeliveryQuery query, CancellationToken cancellationToken);

    /// <summary>Makes dead letters pending again with fresh attempts (one by <paramref name="id"/>, or all of a system, or all); returns how many.</summary>
    Task<int> RetryDeadLettersAsync(string? endpointId, long? id, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>True when <paramref name="endpointId"/> received some data under <paramref name="basis"/> (e.g. "Consent/1").</summary>
    Task<bool> DeliveredUnderAsync(string endpointId, string basis, CancellationToken cancellationToken);
}
