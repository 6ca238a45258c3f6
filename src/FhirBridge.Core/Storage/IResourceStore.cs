using FhirBridge.Core.Audit;
using FhirBridge.Core.Search;

namespace FhirBridge.Core.Storage;

/// <summary>
/// Persistence of FHIR resources: raw JSON per version plus the search indices extracted from it.
/// Implementations: SQLite (embedded default) and PostgreSQL. Database errors never leave an
/// implementation untranslated: they become <see cref="Errors.FhirException"/>s.
/// </summary>
public interface IResourceStore
{
    /// <summary>
    /// Runs <paramref name="work"/> in one database transaction that commits only if it returns.
    /// Writers are serialised per resource: a lost race (unique violation, serialization failure) re-runs
    /// the whole delegate a few times, then surfaces as <see cref="Errors.ResourceConflictException"/> (409).
    /// The delegate must therefore be safe to re-run (no side effects outside the session).
    /// </summary>
    Task<T> WriteAsync<T>(Func<IStoreSession, CancellationToken, Task<T>> work, CancellationToken cancellationToken);

    /// <summary>Runs read-only <paramref name="work"/> against one consistent view of the store.</summary>
    Task<T> ReadAsync<T>(Func<IStoreSession, CancellationToken, Task<T>> work, CancellationToken cancellationToken);
}

/// <summary>Operations available inside one <see cref="IResourceStore"/> unit of work.</summary>
public interface IStoreSession
{
    /// <summary>The current version (or <paramref name="version"/>) of a resource, deleted markers included; null when it never existed.</summary>
    Task<StoredResource?> GetAsync(string type, string id, int? version, CancellationToken cancellationToken);

    /// <summary>
    /// Stores a new version. <see cref="ResourceWrite.Version"/> must be exactly one more than the current
    /// version (1 for a new resource); otherwise a <see cref="Errors.ResourceConflictException"/> is thrown
    /// (or the unit of work is retried). Replaces the resource's search indices in the same transaction.
    /// </summary>
    Task SaveAsync(ResourceWrite write, CancellationToken cancellationToken);

    /// <summary>Evaluates a parsed search against current, non-deleted resources, with includes and a page cursor.</summary>
    Task<SearchPage> SearchAsync(SearchQuery query, CancellationToken cancellationToken);

    /// <summary>Versions newest first, for one resource, one type, or the whole system.</summary>
    Task<HistoryPage> HistoryAsync(HistoryQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// Appends log entries in this unit of work's transaction (703/2023: a write and its log entry commit together).
    /// Only in a write unit of work.
    /// </summary>
    Task AppendAuditAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken);

    /// <summary>
    /// Adds deliveries to the bridge's outbox in this unit of work's transaction (issue #5: a change and its pushes commit
    /// together). Only in a write unit of work.
    /// </summary>
    Task AppendOutboxAsync(IReadOnlyList<Outbox.OutboxEntry> entries, CancellationToken cancellationToken);
}

/// <summary>
/// A session that checks what its caller may see (Security.GuardedSession) and also offers the store's own view: for the
/// server's internal lookups (validation of reference targets and must-conform links), whose results never reach the caller.
/// </summary>
internal interface IGuardedSession : IStoreSession
{
    IStoreSession Unguarded { get; }
}

/// <summary>Helpers on <see cref="IStoreSession"/>.</summary>
internal static class StoreSessions
{
    /// <summary>The session to use for lookups the caller never sees: unguarded when <paramref name="session"/> is guarded.</summary>
    public static IStoreSession ForInternalLookups(this IStoreSession session) => session is IGuardedSession guarded ? guarded.Unguarded : session;

    /// <summary>Every current match of <paramref name="query"/>, following the page cursor to the last page.</summary>
    public static async Task<List<StoredResource>> SearchAllAsync(this IStoreSession session, SearchQuery query, CancellationToken cancellationToken)
    {
        var all = new List<StoredResource>();
        while (true)
        {
            var page = await session.SearchAsync(query, cancellationToken);
            all.AddRange(page.Matches.Where(m => m.Json is not null));
            if (page.NextPageToken is null)
            {
                return all;
            }

            query = query with { PageToken = page.NextPageToken };
        }
    }
}

/// <summary>One stored version. <see cref="Json"/> is null for a delete marker.</summary>
public sealed record StoredResource(
    string Type,
    string Id,
    int Version,
    DateTimeOffset LastUpdated,
    bool Deleted,
    string? Json,
    HistoryMethod Method);

/// <summary>The HTTP verb that produced a version, as Bundle.entry.request.method in history.</summary>
public enum HistoryMethod
{
    Post,
    Put,
    Delete,
}

/// <summary>
/// A new version to store. <see cref="Json"/> already carries meta.versionId and meta.lastUpdated;
/// null with <see cref="HistoryMethod.Delete"/>. <see cref="Indices"/> are empty for a delete.
/// </summary>
public sealed record ResourceWrite(
    string Type,
    string Id,
    int Version,
    DateTimeOffset LastUpdated,
    HistoryMethod Method,
    string? Json,
    IReadOnlyList<IndexEntry> Indices);

/// <summary>A history request. Type and Id null = system level; Id null = type level.</summary>
public sealed record HistoryQuery(string? Type, string? Id, DateTimeOffset? Since, int Count, string? PageToken);

/// <summary>One page of history, newest first.</summary>
public sealed record HistoryPage(IReadOnlyList<StoredResource> Entries, int? Total, string? NextPageToken, string? PreviousPageToken);

/// <summary>One page of search results.</summary>
/// <param name="Matches">The page's matching resources (current versions), in the requested order.</param>
/// <param name="Included">Resources added by _include/_revinclude, without duplicates of the matches.</param>
/// <param name="Total">Number of all matches when <see cref="SearchQuery.Total"/> asks for it; otherwise null.</param>
/// <param name="NextPageToken">Opaque cursor of the next page, null on the last page.</param>
/// <param name="PreviousPageToken">Opaque cursor of the previous page, null on the first page.</param>
public sealed record SearchPage(
    IReadOnlyList<StoredResource> Matches,
    IReadOnlyList<StoredResource> Included,
    int? Total,
    string? NextPageToken,
    string? PreviousPageToken);
