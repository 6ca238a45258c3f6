using FhirBridge.Core.Audit;
using FhirBridge.Core.Outbox;
using FhirBridge.Core.Storage;
using FhirBridge.Storage.Audit;
using FhirBridge.Storage.Outbox;
using FhirBridge.Storage.Sql;

namespace FhirBridge.Storage;

/// <summary>
/// <see cref="IResourceStore"/> on a relational database (SQLite or PostgreSQL): runs units of work in transactions,
/// re-runs writers that lost a race and translates every database error into a <see cref="Core.Errors.FhirException"/>.
/// </summary>
public sealed class SqlResourceStore : IResourceStore, IAsyncDisposable
{
    private const int MaxWriteAttempts = 6;

    private readonly SqlTransactions _transactions;
    private readonly SqlAuditLog _auditLog;
    private readonly SqlOutbox _outbox;

    internal SqlResourceStore(SqlDialect dialect)
    {
        _transactions = new SqlTransactions(dialect);
        _auditLog = new SqlAuditLog(_transactions);
        _outbox = new SqlOutbox(_transactions, _auditLog);
    }

    /// <summary>The access and disclosure log kept in the same database.</summary>
    public IAuditLog AuditLog => _auditLog;

    /// <summary>The bridge's outbox kept in the same database.</summary>
    public IOutbox Outbox => _outbox;

    public Task<T> WriteAsync<T>(Func<IStoreSession, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        return _transactions.TranslateAsync(async () =>
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    return await RunAsync(TransactionKind.Write, work, cancellationToken);
                }
                catch (Exception e) when (_transactions.Dialect.Classify(e) == DbFailure.Conflict && attempt < MaxWriteAttempts)
                {
                    await Task.Delay(Backoff(attempt), cancellationToken);
                }
            }
        });
    }

    public Task<T> ReadAsync<T>(Func<IStoreSession, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        return _transactions.TranslateAsync(() => RunAsync(TransactionKind.Read, work, cancellationToken));
    }

    public async ValueTask DisposeAsync()
    {
        await _auditLog.DisposeAsync();
        await _transactions.Dialect.DisposeAsync();
    }

    internal Task MigrateAsync(CancellationToken cancellationToken) =>
        _transactions.TranslateAsync(async () =>
        {
            await Migrator.ApplyAsync(_transactions.Dialect, cancellationToken);
            return true;
        });

    private static TimeSpan Backoff(int attempt) =>
        // Exponential with full jitter, so that racing writers do not collide again in lockstep.
        TimeSpan.FromMilliseconds(Random.Shared.Next(1, 5 << attempt));

    private async Task<T> RunAsync<T>(TransactionKind kind, Func<IStoreSession, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        SqlStoreSession? session = null;
        var result = await _transactions.RunAsync(
            kind,
            (connection, transaction, ct) =>
            {
                session = new SqlStoreSession(_transactions.Dialect, connection, transaction);
                return work(session, ct);
            },
            cancellationToken);
        if (session?.AppendedAudit == true)
        {
            _auditLog.RequestSeal();
        }

        return result;
    }
}
