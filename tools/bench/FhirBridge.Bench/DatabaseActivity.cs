using Npgsql;

namespace FhirBridge.Bench;

/// <summary>
/// PostgreSQL activity counters of the server's database: committed transactions (pg_stat_database), WAL flushes of
/// the cluster (pg_stat_wal) and access-log rows. Backends publish their statistics about once a second, so a
/// difference over a phase of several seconds is close but not exact.
/// </summary>
internal sealed record DatabaseActivity(long Transactions, long WalFlushes, long LogEntries)
{
    private const string Query =
        "SELECT (SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()), " +
        "(SELECT wal_sync FROM pg_stat_wal), (SELECT count(*) FROM audit_event)";

    public static async Task<DatabaseActivity> ReadAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(Query);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new DatabaseActivity(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }

    public DatabaseActivity Minus(DatabaseActivity earlier) =>
        new(Transactions - earlier.Transactions, WalFlushes - earlier.WalFlushes, LogEntries - earlier.LogEntries);
}
