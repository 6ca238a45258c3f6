using FhirBridge.Bridge.ConnectedSystems;
using FhirBridge.Core.Outbox;
using FhirBridge.Core.Security;
using FhirBridge.Core.Storage;

namespace FhirBridge.Bridge.Outbound;

/// <summary>
/// Adds an outbox row per (written version × connected system that receives its type) in the write's own transaction, for
/// the joint-client types the bridge pushes. Deletes are not pushed. Consent is checked when the delivery is due (it may
/// change in between), by the <see cref="DeliveryWorker"/>.
/// </summary>
/// <param name="store">The store, for reading the connected systems in a read unit of work of its own: inside a SERIALIZABLE
/// write on PostgreSQL that read would make concurrent writers fail each other (the same reason as in PostgresDialect).
/// So systems registered in the same transaction as a change do not receive that change.</param>
public sealed class OutboxWriter(ConnectedSystemDirectory directory, TimeProvider time, Func<IResourceStore> store) : IWriteObserver
{
    public async Task OnWriteAsync(IStoreSession session, Caller caller, IReadOnlyList<DataAccess> writes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(writes);
        var pushed = writes.Where(w => w.Kind != DataAccessKind.Delete && ConnectedSystemReader.DefaultResourceTypes.Contains(w.Type)).ToList();
        if (pushed.Count == 0)
        {
            return;
        }

        var systems = (await store().ReadAsync(directory.LoadAsync, cancellationToken)).Systems;
        var now = time.GetUtcNow();
        var entries = pushed
            .SelectMany(w => systems.Where(s => s.Receives(w.Type)).Select(s => new OutboxEntry(s.EndpointId, w.Type, w.Id, w.Version, now)))
            .ToList();
        await session.AppendOutboxAsync(entries, cancellationToken);
    }
}
