using System.Data.Common;

namespace FhirBridge.Storage.Sql;

/// <summary>What a database exception means to the store.</summary>
internal enum DbFailure
{
    /// <summary>Not a database error: let it through.</summary>
    None,

    /// <summary>A lost race (serialization failure, deadlock, unique violation): re-run the unit of work.</summary>
    Conflict,

    /// <summary>The database cannot be reached or is overloaded: 503.</summary>
    Unavailable,

    /// <summary>Any other database error: 500.</summary>
    Other,
}

/// <summary>The kind of unit of work a transaction serves.</summary>
internal enum TransactionKind
{
    /// <summary>One consistent snapshot, no writes.</summary>
    Read,

    /// <summary>Excludes lost updates and duplicate creates; may fail with a <see cref="DbFailure.Conflict"/>.</summary>
    Write,

    /// <summary>Schema migration: each statement sees what concurrent migrators committed before it took the migration lock.</summary>
    Schema,

    /// <summary>
    /// Claiming and finishing outbox rows: a queue, where each statement sees the latest commits and row locks (with
    /// <c>FOR UPDATE SKIP LOCKED</c>) keep workers apart — under SERIALIZABLE, concurrent workers touching rows of one
    /// index page would fail each other. SQLite: the single writer.
    /// </summary>
    Queue,

    /// <summary>Sealing or purging the audit chain: one at a time across processes, seeing every commit made before the lock.</summary>
    Chain,
}

/// <summary>The few things SQLite and PostgreSQL do differently; all SQL building and execution is shared.</summary>
internal abstract class SqlDialect : IAsyncDisposable
{
    /// <summary>The folder under Migrations/ holding this dialect's numbered scripts.</summary>
    public abstract string MigrationFolder { get; }

    /// <summary>Run first inside the migration transaction so that concurrent starters apply migrations one at a time; null if the transaction already excludes others.</summary>
    public abstract string? MigrationLockSql { get; }

    public abstract ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken);

    /// <summary>Waits until this process may run a transaction of <paramref name="kind"/>; the result (if any) is disposed when it ends.</summary>
    public virtual ValueTask<IDisposable?> EnterAsync(TransactionKind kind, CancellationToken cancellationToken) => ValueTask.FromResult<IDisposable?>(null);

    public abstract ValueTask<DbTransaction> BeginTransactionAsync(DbConnection connection, TransactionKind kind, CancellationToken cancellationToken);

    /// <summary>One-time database preparation before migrations (outside any transaction).</summary>
    public virtual Task PrepareAsync(DbConnection connection, CancellationToken cancellationToken) => Task.CompletedTask;

    public abstract DbFailure Classify(Exception exception);

    /// <summary>
    /// Whether a write and the statements that depend on its row can be one statement of data-modifying CTEs
    /// (<c>WITH written AS (INSERT ... RETURNING rid), ...</c>); otherwise they are separate statements that find the row again.
    /// </summary>
    public virtual bool ChainsWritesInOneStatement => false;

    /// <summary>Appended to a claim's SELECT so that concurrent claimers pass over each other's rows instead of waiting.</summary>
    public virtual string SkipLockedClause => string.Empty;

    /// <summary>The SQL expression that stores a JSON text parameter in the body column.</summary>
    public virtual string JsonValue(string parameter) => parameter;

    /// <summary>The SQL expression that reads the body column back as JSON text.</summary>
    public virtual string JsonText(string column) => column;

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
