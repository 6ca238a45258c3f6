using System.Data;
using System.Data.Common;
using Npgsql;

namespace FhirBridge.Storage.Sql;

/// <summary>PostgreSQL through one <see cref="NpgsqlDataSource"/>: jsonb bodies, SERIALIZABLE writers, auto-prepared statements.</summary>
internal sealed class PostgresDialect : SqlDialect
{
    // An arbitrary constant naming FhirBridge's migration lock among advisory locks.
    private const long MigrationLockKey = 0x46_68_69_72_42_72_69_64;

    // Another constant: the lock that lets one audit-chain sealer or purger run at a time.
    private const long ChainLockKey = 0x46_68_69_72_41_75_64_69;

    private readonly NpgsqlDataSource _dataSource;

    private PostgresDialect(NpgsqlDataSource dataSource) => _dataSource = dataSource;

    public override string MigrationFolder => "Postgres";

    public override string? MigrationLockSql => $"SELECT pg_advisory_xact_lock({MigrationLockKey});";

    public static PostgresDialect Create(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0)
        {
            builder.ConnectionStringBuilder.MaxAutoPrepare = 100;
        }

        // The store never changes session state (settings, temp tables, locks outside transactions), so the reset
        // statement that would otherwise run each time a pooled connection is reused only costs server time.
        builder.ConnectionStringBuilder.NoResetOnClose = true;

        return new PostgresDialect(builder.Build());
    }

    public override async ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken);

    public override async ValueTask<DbTransaction> BeginTransactionAsync(DbConnection connection, TransactionKind kind, CancellationToken cancellationToken)
    {
        var transaction = await ((NpgsqlConnection)connection).BeginTransactionAsync(IsolationOf(kind), cancellationToken);
        if (kind == TransactionKind.Chain)
        {
            await using var command = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({ChainLockKey});", (NpgsqlConnection)connection, transaction);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        return transaction;
    }

    private static IsolationLevel IsolationOf(TransactionKind kind) => kind switch
    {
        TransactionKind.Read => IsolationLevel.RepeatableRead,
        TransactionKind.Write => IsolationLevel.Serializable,
        // A snapshot taken before the advisory lock was granted would miss the tables a concurrent migrator just created
        // (Schema), or the entries and chain head a concurrent sealer just committed (Chain).
        _ => IsolationLevel.ReadCommitted,
    };

    public override DbFailure Classify(Exception exception) => exception switch
    {
        PostgresException { SqlState: PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.UniqueViolation } => DbFailure.Conflict,
        PostgresException e when e.SqlState.StartsWith("08", StringComparison.Ordinal)
            || e.SqlState.StartsWith("53", StringComparison.Ordinal)
            || e.SqlState.StartsWith("57P", StringComparison.Ordinal) => DbFailure.Unavailable,
        PostgresException => DbFailure.Other,
        // Without a server error code the connection itself failed (refused, reset, pool exhausted, timeout).
        NpgsqlException or TimeoutException => DbFailure.Unavailable,
        _ => DbFailure.None,
    };

    // Finding the written row again would be a read, and under SERIALIZABLE every read takes a predicate lock on the
    // index page that concurrent creates insert into: they would fail each other (https://www.postgresql.org/docs/15/transaction-iso.html#XACT-SERIALIZABLE).
    public override bool ChainsWritesInOneStatement => true;

    public override string SkipLockedClause => " FOR UPDATE SKIP LOCKED";

    public override string JsonValue(string parameter) => $"CAST({parameter} AS jsonb)";

    public override string JsonText(string column) => $"{column}::text";

    public override ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
