using FhirBridge.Core.Audit;
using FhirBridge.Core.Storage;

namespace FhirBridge.Core.Security;

/// <summary>
/// The store as one request's caller may use it: every session filters and checks data by <see cref="AccessPolicy"/>
/// and records in the <see cref="AccessTrail"/> what it released, wrote and refused. The <paramref name="observers"/> see
/// each unit of work's writes before it commits (e.g. the bridge's outbox).
/// </summary>
public sealed class GuardedStore(IResourceStore inner, AccessPolicy policy, AccessTrail trail, IReadOnlyList<IWriteObserver>? observers = null)
    : IResourceStore
{
    public AccessTrail Trail => trail;

    public async Task<T> WriteAsync<T>(Func<IStoreSession, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        var (accesses, denied) = trail.Mark();
        try
        {
            return await inner.WriteAsync(
                async (session, token) =>
                {
                    // The store re-runs the delegate after a lost race: only the last attempt's items are true.
                    trail.TruncateAccesses(accesses);
                    trail.TruncateDenied(denied);
                    var result = await work(new GuardedSession(session, policy, trail), token);
                    await NotifyAsync(session, trail.AccessesSince(accesses), token);
                    if (trail.OnWriteCommit is { } hook && hook(trail.AccessesSince(accesses)) is { Count: > 0 } entries)
                    {
                        await session.AppendAuditAsync(entries, token);
                    }

                    return result;
                },
                cancellationToken);
        }
        catch
        {
            // Nothing of a failed unit of work was released or written; its refusals stay for the log.
            trail.TruncateAccesses(accesses);
            throw;
        }
    }

    public Task<T> ReadAsync<T>(Func<IStoreSession, CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        inner.ReadAsync((session, token) => work(new GuardedSession(session, policy, trail), token), cancellationToken);

    private async Task NotifyAsync(IStoreSession session, IReadOnlyList<DataAccess> attempt, CancellationToken cancellationToken)
    {
        if (observers is not { Count: > 0 })
        {
            return;
        }

        // One entry per version: a resource of several clients is recorded once per client.
        var writes = attempt.Where(a => a.Kind != DataAccessKind.Read).DistinctBy(a => (a.Type, a.Id, a.Version)).ToList();
        if (writes.Count == 0)
        {
            return;
        }

        foreach (var observer in observers)
        {
            await observer.OnWriteAsync(session, trail.Caller, writes, cancellationToken);
        }
    }
}
