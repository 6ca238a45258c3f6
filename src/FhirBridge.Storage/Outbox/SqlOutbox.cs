using System.Data.Common;
using FhirBridge.Core.Audit;
using FhirBridge.Core.Outbox;
using FhirBridge.Storage.Audit;
using FhirBridge.Storage.Sql;

namespace FhirBridge.Storage.Outbox;

/// <summary>
/// <see cref="IOutbox"/> on the store's database. Claims and finishes are <see cref="TransactionKind.Queue"/> transactions
/// (SQLite: the single writer; PostgreSQL: READ COMMITTED with <c>FOR UPDATE SKIP LOCKED</c>), so two workers never lease
/// the same row; a claim that loses a race returns nothing and the worker tries again next cycle.
/// </summary>
internal sealed class SqlOutbox(SqlTransactions transactions, SqlAuditLog auditLog) : IOutbox
{
    private static readonly string Pending = OutboxRows.StatusText(DeliveryStatus.Pending);
    private static readonly string DeadLetter = OutboxRows.StatusText(DeliveryStatus.DeadLetter);

    public async Task<IReadOnlyList<Delivery>> ClaimAsync(string owner, int max, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        try
        {
            return await transactions.TranslateAsync(() => transactions.RunAsync(
                TransactionKind.Queue, (connection, transaction, ct) => ClaimAsync(connection, transaction, owner, max, now.UtcTicks, (now + lease).UtcTicks, ct), cancellationToken));
        }
        catch (Core.Errors.ResourceConflictException)
        {
            // Another worker claimed at the same moment: its rows are taken, ours wait for the next cycle.
            return [];
        }
    }

    public Task<bool> FinishAsync(
        Delivery delivery, string owner, DeliveryOutcome outcome, IReadOnlyList<AuditEntry> entries, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(entries);
        return transactions.TranslateAsync(async () =>
        {
            var finished = await transactions.RunAsync(
                TransactionKind.Queue,
                async (connection, transaction, ct) =>
                {
                    var final = outcome.Status != DeliveryStatus.Pending;
                    var sql = new SqlText().Append("UPDATE outbox SET status = ").AppendParam(OutboxRows.StatusText(outcome.Status))
                        .Append(", reason = ").AppendParam(outcome.Reason)
                        .Append(", basis = ").AppendParam(outcome.Basis)
                        .Append(", finished_at = ").AppendParam(final ? now.UtcTicks : null)
                        .Append(", next_attempt_at = ").AppendParam((outcome.RetryAt ?? now).UtcTicks)
                        .Append(", lease_owner = NULL, lease_until = NULL WHERE seq = ").AppendParam(delivery.Id)
                        .Append(" AND lease_owner = ").AppendParam(owner).Append(" AND status = ").AppendParam(Pending);
                    await using var command = sql.CreateCommand(connection, transaction);
                    if (await command.ExecuteNonQueryAsync(ct) == 0)
                    {
                        return false;
                    }

                    await AuditRows.InsertAsync(connection, transaction, entries, ct);
                    return true;
                },
                cancellationToken);
            if (finished && entries.Count > 0)
            {
                auditLog.RequestSeal();
            }

            return finished;
        });
    }

    public Task<IReadOnlyList<Delivery>> SearchAsync(DeliveryQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var sql = new SqlText().Append("SELECT ").Append(OutboxRows.Columns).Append(" FROM outbox WHERE 1 = 1");
        AppendFilter(sql, query.EndpointId, query.Status is { } status ? OutboxRows.StatusText(status) : null);
        sql.Append(" ORDER BY seq DESC LIMIT ").AppendParam(Math.Max(0, query.Count));
        return ReadAsync(sql, OutboxRows.Read, cancellationToken);
    }

    public Task<int> RetryDeadLettersAsync(string? endpointId, long? id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var sql = new SqlText().Append("UPDATE outbox SET status = ").AppendParam(Pending)
            .Append(", attempts = 0, reason = NULL, finished_at = NULL, lease_owner = NULL, lease_until = NULL, next_attempt_at = ").AppendParam(now.UtcTicks)
            .Append(" WHERE 1 = 1");
        AppendFilter(sql, endpointId, DeadLetter);
        if (id is not null)
        {
            sql.Append(" AND seq = ").AppendParam(id.Value);
        }

        return transactions.TranslateAsync(() => transactions.RunAsync(
            TransactionKind.Queue,
            async (connection, transaction, ct) =>
            {
                await using var command = sql.CreateCommand(connection, transaction);
                return await command.ExecuteNonQueryAsync(ct);
            },
            cancellationToken));
    }

    public async Task<bool> DeliveredUnderAsync(string endpointId, string basis, CancellationToken cancellationToken)
    {
        var sql = new SqlText().Append("SELECT seq FROM outbox WHERE endpoint_id = ").AppendParam(endpointId)
            .Append(" AND status = ").AppendParam(OutboxRows.StatusText(DeliveryStatus.Done))
            .Append(" AND basis = ").AppendParam(basis).Append(" LIMIT 1");
        return (await ReadAsync(sql, r => r.GetInt64(0), cancellationToken)).Count > 0;
    }

    private async Task<IReadOnlyList<Delivery>> ClaimAsync(
        DbConnection connection, DbTransaction transaction, string owner, int max, long now, long leaseUntil, CancellationToken cancellationToken)
    {
        const string sameResource = "x.endpoint_id = o.endpoint_id AND x.resource_type = o.resource_type AND x.resource_id = o.resource_id";
        var select = new SqlText();
        var pending = select.Param(Pending);
        var nowParam = select.Param(now);
        select.Append($"SELECT {OutboxRows.Columns} FROM outbox o WHERE o.status = {pending} AND o.next_attempt_at <= {nowParam}")
            .Append($" AND (o.lease_until IS NULL OR o.lease_until < {nowParam})")
            // One version of a resource in flight to a system at a time, and only its newest pending version.
            .Append($" AND NOT EXISTS (SELECT 1 FROM outbox x WHERE {sameResource} AND x.status = {pending}")
            .Append($" AND (x.version > o.version OR (x.lease_until IS NOT NULL AND x.lease_until >= {nowParam})))")
            .Append(" ORDER BY o.seq LIMIT ").AppendParam(max)
            .Append(transactions.Dialect.SkipLockedClause);
        var claimed = await select.ReadRowsAsync(connection, transaction, OutboxRows.Read, cancellationToken);
        if (claimed.Count == 0)
        {
            return claimed;
        }

        var lease = new SqlText().Append("UPDATE outbox SET attempts = attempts + 1, lease_owner = ").AppendParam(owner)
            .Append(", lease_until = ").AppendParam(leaseUntil).Append(" WHERE seq IN ").AppendList(claimed.Select(c => c.Id));
        await ExecuteAsync(lease, connection, transaction, cancellationToken);
        foreach (var delivery in claimed)
        {
            var superseded = new SqlText().Append("UPDATE outbox SET status = ").AppendParam(OutboxRows.StatusText(DeliveryStatus.Superseded))
                .Append(", reason = ").AppendParam($"Version {delivery.Version} is newer; the bridge sends only the newest.")
                .Append(", finished_at = ").AppendParam(now)
                .Append(" WHERE status = ").AppendParam(Pending)
                .Append(" AND endpoint_id = ").AppendParam(delivery.EndpointId)
                .Append(" AND resource_type = ").AppendParam(delivery.ResourceType)
                .Append(" AND resource_id = ").AppendParam(delivery.ResourceId)
                .Append(" AND version < ").AppendParam(delivery.Version);
            await ExecuteAsync(superseded, connection, transaction, cancellationToken);
        }

        return [.. claimed.Select(c => c with { Attempts = c.Attempts + 1 })];
    }

    private static void AppendFilter(SqlText sql, string? endpointId, string? status)
    {
        if (endpointId is not null)
        {
            sql.Append(" AND endpoint_id = ").AppendParam(endpointId);
        }

        if (status is not null)
        {
            sql.Append(" AND status = ").AppendParam(status);
        }
    }

    private Task<IReadOnlyList<T>> ReadAsync<T>(SqlText sql, Func<DbDataReader, T> read, CancellationToken cancellationToken) =>
        transactions.TranslateAsync<IReadOnlyList<T>>(() => transactions.RunAsync<IReadOnlyList<T>>(
            TransactionKind.Read, async (connection, transaction, ct) => await sql.ReadRowsAsync(connection, transaction, read, ct), cancellationToken));

    private static async Task ExecuteAsync(SqlText sql, DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = sql.CreateCommand(connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
