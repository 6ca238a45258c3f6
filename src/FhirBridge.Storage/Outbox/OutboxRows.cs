using System.Data.Common;
using FhirBridge.Core.Outbox;
using FhirBridge.Storage.Sql;

namespace FhirBridge.Storage.Outbox;

/// <summary>The outbox table's columns, status spellings and row mapping.</summary>
internal static class OutboxRows
{
    public const string Columns =
        "seq, endpoint_id, resource_type, resource_id, version, status, attempts, created_at, next_attempt_at, finished_at, reason, basis";

    // Keeps one statement's parameters (6 a row) well below SQLite's and PostgreSQL's limits.
    private const int RowsPerStatement = 200;

    /// <summary>Inserts pending rows in the given transaction (a version is written once, so its rows are new).</summary>
    public static async Task InsertAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<OutboxEntry> entries, CancellationToken cancellationToken)
    {
        for (var start = 0; start < entries.Count; start += RowsPerStatement)
        {
            var sql = new SqlText().Append(
                "INSERT INTO outbox (endpoint_id, resource_type, resource_id, version, status, created_at, next_attempt_at) VALUES ");
            for (var i = start; i < Math.Min(entries.Count, start + RowsPerStatement); i++)
            {
                var e = entries[i];
                var ticks = e.CreatedAt.UtcTicks;
                sql.Append(i == start ? string.Empty : ", ").AppendList<object>([e.EndpointId, e.ResourceType, e.ResourceId, e.Version, StatusText(DeliveryStatus.Pending), ticks, ticks]);
            }

            await using var command = sql.CreateCommand(connection, transaction);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    public static Delivery Read(DbDataReader reader) => new(
        reader.GetInt64(0),
        reader.GetString(1),
        reader.GetString(2),
        reader.GetString(3),
        reader.GetInt32(4),
        StatusOf(reader.GetString(5)),
        reader.GetInt32(6),
        Time(reader.GetInt64(7)),
        Time(reader.GetInt64(8)),
        reader.IsDBNull(9) ? null : Time(reader.GetInt64(9)),
        reader.IsDBNull(10) ? null : reader.GetString(10),
        reader.IsDBNull(11) ? null : reader.GetString(11));

    public static string StatusText(DeliveryStatus status) => status switch
    {
        DeliveryStatus.Pending => "pending",
        DeliveryStatus.Done => "done",
        DeliveryStatus.Withheld => "withheld",
        DeliveryStatus.Superseded => "superseded",
        _ => "dead-letter",
    };

    private static DeliveryStatus StatusOf(string text) =>
        Enum.GetValues<DeliveryStatus>().First(s => StatusText(s) == text);

    private static DateTimeOffset Time(long ticks) => new(ticks, TimeSpan.Zero);
}
