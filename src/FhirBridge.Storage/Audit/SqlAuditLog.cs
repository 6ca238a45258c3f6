using System.Data.Common;
using System.Threading.Channels;
using FhirBridge.Core.Audit;
using FhirBridge.Core.Errors;
using FhirBridge.Core.Fhir;
using FhirBridge.Storage.Search;
using FhirBridge.Storage.Sql;
using AuditEvent = Hl7.Fhir.Model.AuditEvent;

namespace FhirBridge.Storage.Audit;

/// <summary>
/// <see cref="IAuditLog"/> on the store's database: appends are group-committed, a background sealer chains the
/// unsealed entries (one sealer at a time: SQLite's writer lock, a PostgreSQL advisory lock).
/// </summary>
internal sealed class SqlAuditLog : IAuditLog, IAsyncDisposable
{
    // Entries sealed, verified or written per statement batch: bounds memory and parameter counts.
    private const int BatchSize = 500;

    private static readonly OrderColumn[] NewestFirst = [new("recorded", true, SortValueKind.Integer), new("seq", true, SortValueKind.Integer)];
    private static readonly OrderColumn[] OldestFirst = [new("recorded", false, SortValueKind.Integer), new("seq", false, SortValueKind.Integer)];

    private readonly SqlTransactions _transactions;
    private readonly Channel<PendingAppend> _pending = Channel.CreateUnbounded<PendingAppend>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _committer;
    private readonly CoalescingWorker _sealer;

    private static readonly TimeSpan SealDelay = TimeSpan.FromMilliseconds(200);

    public SqlAuditLog(SqlTransactions transactions)
    {
        _transactions = transactions;
        // Sealing a few times a second, not after every group commit, spares a busy log one write transaction per commit;
        // verification and purge seal synchronously first, so they never see an unsealed tail.
        _sealer = new CoalescingWorker(ct => _transactions.RunAsync(TransactionKind.Chain, SealAsync, ct), SealDelay);
        _committer = Task.Run(CommitLoopAsync);
    }

    public async Task AppendAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0)
        {
            return;
        }

        var pending = new PendingAppend(entries, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_pending.Writer.TryWrite(pending))
        {
            throw new ServiceUnavailableException(AuditRows.CannotWrite);
        }

        await pending.Done.Task.WaitAsync(cancellationToken);
    }

    public Task<AuditEntry?> GetAsync(string id, CancellationToken cancellationToken) =>
        ReadAsync(
            async (connection, transaction, ct) =>
            {
                var sql = new SqlText().Append("SELECT ").Append(AuditRows.Columns).Append(" FROM audit_event WHERE id = ").AppendParam(id);
                return (await sql.ReadRowsAsync(connection, transaction, r => AuditRows.Read(r, 0), ct)).FirstOrDefault();
            },
            cancellationToken);

    public Task<AuditPage> SearchAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var columns = query.OldestFirst ? OldestFirst : NewestFirst;
        var fingerprint = query.OldestFirst ? "audit|asc" : "audit|desc";
        var cursor = query.PageToken is null ? null : Paging.Decode(query.PageToken, fingerprint, columns);
        if (query.Count <= 0)
        {
            return Task.FromResult(new AuditPage([], null));
        }

        var sql = new SqlText().Append("SELECT seq, ").Append(AuditRows.Columns).Append(" FROM audit_event WHERE ");
        AppendFilter(sql, query);
        if (cursor is not null)
        {
            sql.Append(" AND ");
            Paging.AppendAfter(sql, columns, cursor);
        }

        Paging.AppendOrderBy(sql, columns, backward: false);
        sql.Append(" LIMIT ").AppendParam(query.Count + 1);
        return ReadAsync(
            async (connection, transaction, ct) =>
            {
                var rows = await sql.ReadRowsAsync(connection, transaction, r => (Seq: r.GetInt64(0), Entry: AuditRows.Read(r, 1)), ct);
                var (page, next, _) = Paging.Cut(rows, query.Count, cursor, r => [r.Entry.Recorded.UtcTicks, r.Seq], fingerprint);
                return new AuditPage([.. page.Select(r => r.Entry)], next);
            },
            cancellationToken);
    }

    public async Task<ChainReport> VerifyChainAsync(CancellationToken cancellationToken)
    {
        await ChainAsync(SealAsync, cancellationToken);
        return await ReadAsync(VerifyAsync, cancellationToken);
    }

    public async Task<int> PurgeAsync(DateTimeOffset recordedBefore, Func<int, AuditEntry> purgeEntry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(purgeEntry);
        var deleted = await ChainAsync(
            async (connection, transaction, ct) =>
            {
                await SealAsync(connection, transaction, ct);
                var count = await DeletePrefixAsync(connection, transaction, recordedBefore.UtcTicks, ct);
                await InsertChainedAsync(connection, transaction, [purgeEntry(count)], ct);
                return count;
            },
            cancellationToken);
        return deleted;
    }

    /// <summary>Asks the background sealer to chain what has been appended (e.g. by a committed write unit of work).</summary>
    public void RequestSeal() => _sealer.Request();

    public async ValueTask DisposeAsync()
    {
        _pending.Writer.TryComplete();
        await _committer;
        await _sealer.DisposeAsync();
    }

    /// <summary>
    /// Group commit: while one batch commits, later appends queue up and go into the next transaction together, so a busy
    /// server pays one commit for many reads' entries. On SQLite the transaction waits its turn in the writer queue.
    /// </summary>
    private async Task CommitLoopAsync()
    {
        var reader = _pending.Reader;
        while (await reader.WaitToReadAsync())
        {
            var batch = new List<PendingAppend>();
            var entries = 0;
            while (entries < BatchSize && reader.TryRead(out var next))
            {
                batch.Add(next);
                entries += next.Entries.Count;
            }

            if (!await TryInsertAsync(batch) && batch.Count > 1)
            {
                // One caller's bad entry (e.g. a duplicate id) must not fail the others that shared its transaction.
                foreach (var single in batch)
                {
                    await TryInsertAsync([single]);
                }
            }
        }
    }

    /// <summary>Inserts the batch in one transaction and completes its callers; on failure, fails them only if it was a single caller.</summary>
    private async Task<bool> TryInsertAsync(List<PendingAppend> batch)
    {
        try
        {
            await _transactions.RunAsync(
                TransactionKind.Chain,
                async (connection, transaction, ct) =>
                {
                    await InsertChainedAsync(connection, transaction, [.. batch.SelectMany(p => p.Entries)], ct);
                    return true;
                },
                CancellationToken.None);
        }
        catch (Exception e) when (batch.Count > 1 && e is not OutOfMemoryException)
        {
            return false;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            batch[0].Done.TrySetException(new ServiceUnavailableException(AuditRows.CannotWrite));
            return false;
        }

        foreach (var pending in batch)
        {
            pending.Done.TrySetResult();
        }

        return true;
    }

    /// <summary>Gives the unsealed entries the next chain positions in seq order and moves the chain head; runs under the chain lock.</summary>
    private static async Task<int> SealAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        var (position, hash) = (await ReadChainAsync(connection, transaction, cancellationToken)).Head;
        var sealedCount = 0;
        while (true)
        {
            var select = new SqlText().Append("SELECT seq, json FROM audit_event WHERE chain_pos IS NULL ORDER BY seq LIMIT ").AppendParam(BatchSize);
            var rows = await select.ReadRowsAsync(connection, transaction, r => (Seq: r.GetInt64(0), Json: r.GetString(1)), cancellationToken);
            if (rows.Count == 0)
            {
                break;
            }

            var update = new SqlText().Append("WITH v (seq, pos, prev, hash) AS (VALUES ");
            for (var i = 0; i < rows.Count; i++)
            {
                var previous = hash;
                position++;
                hash = AuditRows.Hash(previous, position, rows[i].Json);
                update.Append(i == 0 ? string.Empty : ", ").AppendList<object>([rows[i].Seq, position, previous, hash]);
            }

            update.Append(") UPDATE audit_event SET chain_pos = v.pos, prev_hash = v.prev, hash = v.hash FROM v WHERE audit_event.seq = v.seq");
            await ExecuteAsync(update, connection, transaction, cancellationToken);
            sealedCount += rows.Count;
        }

        if (sealedCount > 0)
        {
            await MoveHeadAsync(connection, transaction, position, hash, cancellationToken);
        }

        return sealedCount;
    }

    /// <summary>
    /// Inserts entries already chained (under the chain lock) after the current head and moves the head, in one statement
    /// batch: one transaction and one row version per entry, no later sealing. Entries that writes of data left unsealed
    /// stay for the sealer, which chains them after these (the chain's order is its positions, not the insert order).
    /// </summary>
    private static async Task InsertChainedAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken)
    {
        var (position, hash) = (await ReadChainAsync(connection, transaction, cancellationToken)).Head;
        var links = new List<AuditRows.ChainLink>(entries.Count);
        foreach (var entry in entries)
        {
            var previous = hash;
            position++;
            hash = AuditRows.Hash(previous, position, entry.Json);
            links.Add(new AuditRows.ChainLink(position, previous, hash));
        }

        var statements = AuditRows.InsertStatements(entries, links);
        AppendMoveHead(statements[^1].Append("; "), position, hash);
        foreach (var sql in statements)
        {
            await ExecuteAsync(sql, connection, transaction, cancellationToken);
        }
    }

    private static Task<int> MoveHeadAsync(DbConnection connection, DbTransaction transaction, long position, string hash, CancellationToken cancellationToken) =>
        ExecuteAsync(AppendMoveHead(new SqlText(), position, hash), connection, transaction, cancellationToken);

    private static SqlText AppendMoveHead(SqlText sql, long position, string hash) =>
        sql.Append("UPDATE audit_chain SET head_pos = ").AppendParam(position).Append(", head_hash = ").AppendParam(hash);

    /// <summary>Deletes the sealed chain prefix recorded before the cutoff and moves the anchor to its last entry.</summary>
    private static async Task<int> DeletePrefixAsync(DbConnection connection, DbTransaction transaction, long beforeTicks, CancellationToken cancellationToken)
    {
        var chain = await ReadChainAsync(connection, transaction, cancellationToken);
        var firstKept = new SqlText().Append("SELECT MIN(chain_pos) FROM audit_event WHERE chain_pos IS NOT NULL AND recorded >= ").AppendParam(beforeTicks);
        var kept = await firstKept.ScalarAsync(connection, transaction, cancellationToken);
        var last = kept is null or DBNull ? chain.Head.Position : Convert.ToInt64(kept, System.Globalization.CultureInfo.InvariantCulture) - 1;
        if (last <= chain.Anchor.Position)
        {
            return 0;
        }

        var lastHash = new SqlText().Append("SELECT hash FROM audit_event WHERE chain_pos = ").AppendParam(last);
        var hash = await lastHash.ScalarAsync(connection, transaction, cancellationToken) as string
            ?? throw new InvalidOperationException($"The audit chain has no entry at position {last}; verify it before purging.");
        var delete = new SqlText().Append("DELETE FROM audit_event WHERE chain_pos <= ").AppendParam(last);
        var count = await ExecuteAsync(delete, connection, transaction, cancellationToken);
        var anchor = new SqlText().Append("UPDATE audit_chain SET anchor_pos = ").AppendParam(last).Append(", anchor_hash = ").AppendParam(hash);
        await ExecuteAsync(anchor, connection, transaction, cancellationToken);
        return count;
    }

    /// <summary>Walks the sealed entries from the anchor to the head in one snapshot and reports the first broken link.</summary>
    private static async Task<ChainReport> VerifyAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        var chain = await ReadChainAsync(connection, transaction, cancellationToken);
        var (expected, previous) = (chain.Anchor.Position + 1, chain.Anchor.Hash);
        long checkedCount = 0;
        while (expected <= chain.Head.Position)
        {
            var select = new SqlText().Append("SELECT chain_pos, prev_hash, hash, ").Append(AuditRows.Columns)
                .Append(" FROM audit_event WHERE chain_pos >= ").AppendParam(expected).Append(" AND chain_pos <= ").AppendParam(chain.Head.Position)
                .Append(" ORDER BY chain_pos LIMIT ").AppendParam(BatchSize);
            var rows = await select.ReadRowsAsync(connection, transaction, r => new SealedRow(r.GetInt64(0), r.IsDBNull(1) ? null : r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), AuditRows.Read(r, 3)), cancellationToken);
            if (rows.Count == 0)
            {
                break;
            }

            foreach (var row in rows)
            {
                if (Problem(row, expected, previous) is { } problem)
                {
                    return new ChainReport(false, checkedCount, row.Entry.Id, row.Position, problem);
                }

                // Not null: Problem found it equal to the recomputed hash.
                (expected, previous) = (expected + 1, row.Hash!);
                checkedCount++;
            }
        }

        return expected <= chain.Head.Position
            ? new ChainReport(false, checkedCount, null, expected, $"The entries from position {expected} to {chain.Head.Position} (the chain head) are missing.")
            : new ChainReport(true, checkedCount);
    }

    private static string? Problem(SealedRow row, long expectedPosition, string previousHash)
    {
        if (row.Position != expectedPosition)
        {
            return $"The entries at positions {expectedPosition} to {row.Position - 1} before this one are missing.";
        }

        if (row.PreviousHash != previousHash)
        {
            return "Its previous hash does not match the hash of the entry before it.";
        }

        if (AuditRows.Hash(previousHash, row.Position, row.Entry.Json) != row.Hash)
        {
            return "Its hash does not match its content.";
        }

        AuditEntry derived;
        try
        {
            derived = AuditEntries.From(FhirSerializer.ParseJson(row.Entry.Json) as AuditEvent
                ?? throw new BadRequestException("not an AuditEvent"), row.Entry.Json);
        }
        catch (Exception e) when (e is BadRequestException or ArgumentException)
        {
            return $"Its JSON is not a loggable AuditEvent: {e.Message}";
        }

        return derived == row.Entry ? null : "Its stored query columns differ from its JSON.";
    }

    private static async Task<ChainState> ReadChainAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        var sql = new SqlText().Append("SELECT head_pos, head_hash, anchor_pos, anchor_hash FROM audit_chain");
        var rows = await sql.ReadRowsAsync(connection, transaction, r => new ChainState((r.GetInt64(0), r.GetString(1)), (r.GetInt64(2), r.GetString(3))), cancellationToken);
        return rows.Single();
    }

    private static void AppendFilter(SqlText sql, AuditQuery query)
    {
        sql.Append("1 = 1");
        void Equal(string column, object? value)
        {
            if (value is not null)
            {
                sql.Append($" AND {column} = ").AppendParam(value);
            }
        }

        Equal("patient_id", query.PatientId);
        Equal("user_ident", query.User);
        Equal("organization", query.Organization);
        Equal("kind", query.Kind is { } kind ? AuditRows.KindText(kind) : null);
        Equal("action", query.Action);
        Equal("outcome", query.Outcome);
        Equal("break_glass", query.BreakGlass);
        if (query.RecordedFrom is { } from)
        {
            sql.Append(" AND recorded >= ").AppendParam(from.UtcTicks);
        }

        if (query.RecordedTo is { } to)
        {
            sql.Append(" AND recorded < ").AppendParam(to.UtcTicks);
        }

        if (query.LegalBases is { Count: > 0 } bases)
        {
            // "none" matches entries that say so (refused attempts) and entries without any basis.
            var codes = bases.ToList();
            sql.Append(" AND (");
            if (codes.Count > 0)
            {
                sql.Append("legal_basis IN ").AppendList(codes);
            }

            if (bases.Contains(AuditQuery.NoBasis))
            {
                sql.Append(codes.Count > 0 ? " OR " : string.Empty).Append("legal_basis IS NULL");
            }

            sql.Append(")");
        }
    }

    private Task<T> ReadAsync<T>(Func<DbConnection, DbTransaction, CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        _transactions.TranslateAsync(() => _transactions.RunAsync(TransactionKind.Read, work, cancellationToken));

    private Task<T> ChainAsync<T>(Func<DbConnection, DbTransaction, CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        _transactions.TranslateAsync(() => _transactions.RunAsync(TransactionKind.Chain, work, cancellationToken));

    private static async Task<int> ExecuteAsync(SqlText sql, DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = sql.CreateCommand(connection, transaction);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>One caller's entries waiting for the next group commit.</summary>
    private sealed record PendingAppend(IReadOnlyList<AuditEntry> Entries, TaskCompletionSource Done);

    /// <summary>The chain's head (last sealed position and hash) and anchor (where verification starts).</summary>
    private sealed record ChainState((long Position, string Hash) Head, (long Position, string Hash) Anchor);

    private sealed record SealedRow(long Position, string? PreviousHash, string? Hash, AuditEntry Entry);
}
