using FhirBridge.Core.Storage;

namespace FhirBridge.Core.Security;

/// <summary>
/// Sees each unit of work's writes at the end of <see cref="GuardedStore.WriteAsync"/>, inside its transaction: what it
/// adds through <paramref name="session"/> commits with the change, and an exception rolls the change back. Every write
/// path (create, update, conditional, transaction/batch, operations) goes through the guarded store, so none escapes it.
/// </summary>
public interface IWriteObserver
{
    /// <param name="session">The store's own (unguarded) session of the unit of work.</param>
    /// <param name="caller">Who writes.</param>
    /// <param name="writes">The versions written (created, updated, deleted), one per resource version.</param>
    Task OnWriteAsync(IStoreSession session, Caller caller, IReadOnlyList<DataAccess> writes, CancellationToken cancellationToken);
}
