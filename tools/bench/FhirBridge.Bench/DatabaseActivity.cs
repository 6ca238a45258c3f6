using Npgsql;

namespace FhirBridge.Bench;

/// <summary>
/// What the server's PostgreSQL database did: write transactions (transaction ids assigned: every commit that wrote,
/// each with its WAL flush), WAL bytes and access-log rows. All three are exact at once, unlike pg_stat_* counters,
/// which backends publish only about once a second or when idle for 10 s.
/// </summary>
internal sealed record DatabaseActivity(long WriteTransactions, long WalBytes, long LogEntries)
{
    private const string Query =
        "SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint, (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint, " +
        "(SELECT count(*) FROM audit_event)";

    public static async Task<DatabaseActivity> ReadAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(Query);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new DatabaseActivity(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }

    public DatabaseActivity Minus(DatabaseActivity earlier) =>
        new(WriteTransactions - earlier.WriteTransactions, WalBytes - earlier.WalBytes, LogEntries - earlier.LogEntries);
}
