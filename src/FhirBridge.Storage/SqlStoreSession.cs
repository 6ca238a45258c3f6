using System.Data.Common;
using FhirBridge.Core.Audit;
using FhirBridge.Core.Errors;
using FhirBridge.Core.Search;
using FhirBridge.Core.Storage;
using FhirBridge.Storage.Audit;
using FhirBridge.Storage.Search;
using FhirBridge.Storage.Sql;

namespace FhirBridge.Storage;

/// <summary>One unit of work's operations on one connection and transaction; database exceptions pass through to the store.</summary>
internal sealed class SqlStoreSession(SqlDialect dialect, DbConnection connection, DbTransaction transaction) : IStoreSession
{
    // Rows are kept per statement so that one resource's index rows never exceed the parameter limits.
    private const int IndexRowsPerStatement = 200;

    // The CTE holding the row a chained write inserted or updated.
    private const string WrittenRow = "written";

    private static readonly OrderColumn ResourceOrder = new("m.rid", false, SortValueKind.Integer);
    private static readonly OrderColumn HistoryOrder = new("v.seq", true, SortValueKind.Integer);

    public async Task<StoredResource?> GetAsync(string type, string id, int? version, CancellationToken cancellationToken)
    {
        var sql = new SqlText();
        sql.Append("SELECT ").Append(VersionColumns("r", "v"))
            .Append(" FROM resource r JOIN resource_version v ON v.rid = r.rid AND v.version = ")
            .Append(version is null ? "r.version" : sql.Param(version.Value))
            .Append(" WHERE r.type = ").AppendParam(type).Append(" AND r.id = ").AppendParam(id);
        await using var command = sql.CreateCommand(connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadVersion(reader, 0) : null;
    }

    /// <summary>True once this unit of work appended log entries, which the store then has sealed after the commit.</summary>
    public bool AppendedAudit { get; private set; }

    public async Task AppendAuditAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        try
        {
            await AuditRows.InsertAsync(connection, transaction, entries, cancellationToken);
        }
        catch (Exception e) when (dialect.Classify(e) is DbFailure.Other or DbFailure.Unavailable)
        {
            // Fail closed: the unit of work is rolled back and the caller answers 503 (a lost race still re-runs it).
            throw new ServiceUnavailableException(AuditRows.CannotWrite);
        }

        AppendedAudit = AppendedAudit || entries.Count > 0;
    }

    public Task AppendOutboxAsync(IReadOnlyList<Core.Outbox.OutboxEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        return entries.Count == 0 ? Task.CompletedTask : Outbox.OutboxRows.InsertAsync(connection, transaction, entries, cancellationToken);
    }

    public async Task SaveAsync(ResourceWrite write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        var sql = new SqlText();
        var type = sql.Param(write.Type);
        var id = sql.Param(write.Id);
        var lastUpdated = sql.Param(write.LastUpdated.UtcTicks);
        var version = sql.Param(write.Version);
        var deleted = sql.Param(write.Method == HistoryMethod.Delete);
        // The first statement returns no row when the stored version is not the one this write follows: the version check
        // and the write are one statement, so no separate read of the current version is needed. The later statements
        // only touch the resource once it is at the new version, so after a failed check they (nearly always) do nothing.
        var written = write.Version == 1
            ? $"INSERT INTO resource (type, id, version, last_updated, deleted) VALUES ({type}, {id}, {version}, {lastUpdated}, {deleted}) ON CONFLICT (type, id) DO NOTHING RETURNING rid"
            : $"UPDATE resource SET version = {version}, last_updated = {lastUpdated}, deleted = {deleted} WHERE type = {type} AND id = {id} AND version = {sql.Param(write.Version - 1)} RETURNING rid";
        var rows = dialect.ChainsWritesInOneStatement ? $"{WrittenRow} r" : $"resource r WHERE r.type = {type} AND r.id = {id} AND r.version = {version}";
        var dependents = new List<string>();
        if (write.Version > 1)
        {
            dependents.AddRange(IndexTable.All.Select(table => $"DELETE FROM {table.Name} WHERE rid = (SELECT r.rid FROM {rows})"));
        }

        dependents.Add($"INSERT INTO resource_version (rid, version, last_updated, method, json) SELECT r.rid, {version}, {lastUpdated}, " +
            $"{sql.Param(MethodText(write.Method))}, {dialect.JsonValue(sql.Param(write.Json))} FROM {rows}");
        dependents.AddRange(IndexInserts(sql, write.Indices, rows));
        AppendChained(sql, written, dependents);

        await using var command = sql.CreateCommand(connection, transaction);
        var reader = await command.ExecuteReaderAsync(cancellationToken);
        bool accepted;
        try
        {
            accepted = await reader.ReadAsync(cancellationToken);
            while (accepted && await reader.NextResultAsync(cancellationToken))
            {
            }
        }
        catch
        {
            await reader.DisposeAsync();
            throw;
        }

        try
        {
            await reader.DisposeAsync();
        }
        catch (DbException) when (!accepted)
        {
            // A later statement of the rejected write failed too (e.g. version 1 of an existing resource);
            // the unit of work is rolled back either way, and the version conflict is the error to report.
        }

        if (accepted)
        {
            return;
        }

        throw new ResourceConflictException(write.Version == 1
            ? $"{write.Type}/{write.Id} already exists; version 1 cannot be written."
            : $"{write.Type}/{write.Id} is not at version {write.Version - 1}; version {write.Version} cannot follow it.");
    }

    public async Task<SearchPage> SearchAsync(SearchQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var now = DateTimeOffset.UtcNow;
        var fingerprint = "search|" + query.ResourceType + "|" + string.Join(",", query.Sort.Select(k => k.Parameter.Name + (k.Descending ? ":d" : ":a")));
        var columns = query.Sort.Select((k, n) => new OrderColumn("m.k" + n, k.Descending, CriteriaSql.SortKind(k))).Append(ResourceOrder).ToList();
        var cursor = query.PageToken is null ? null : Paging.Decode(query.PageToken, fingerprint, columns);

        int? total = null;
        if (query.Total != TotalMode.None)
        {
            var count = new SqlText().Append("SELECT COUNT(*) FROM resource r WHERE ");
            new CriteriaSql(count, now).AppendMatch(query.ResourceType, query.Criteria, "r");
            total = Convert.ToInt32(await count.ScalarAsync(connection, transaction, cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        }

        if (query.Count <= 0)
        {
            return new SearchPage([], [], total, null, null);
        }

        var sql = new SqlText();
        var criteria = new CriteriaSql(sql, now);
        sql.Append("SELECT m.rid").Append(string.Concat(query.Sort.Select((_, n) => $", m.k{n}"))).Append(", ").Append(VersionColumns("m", "v"))
            .Append(" FROM (SELECT r.rid, r.type, r.id, r.version");
        for (var n = 0; n < query.Sort.Count; n++)
        {
            sql.Append(", ").Append(criteria.SortExpression(query.Sort[n], "r")).Append($" AS k{n}");
        }

        sql.Append(" FROM resource r WHERE ");
        criteria.AppendMatch(query.ResourceType, query.Criteria, "r");
        sql.Append(") m JOIN resource_version v ON v.rid = m.rid AND v.version = m.version");
        if (cursor is not null)
        {
            sql.Append(" WHERE ");
            Paging.AppendAfter(sql, columns, cursor);
        }

        Paging.AppendOrderBy(sql, columns, cursor?.Backward ?? false);
        sql.Append(" LIMIT ").AppendParam(query.Count + 1);

        var fetched = await sql.ReadRowsAsync(connection, transaction, reader => new Row(
            Enumerable.Range(1, query.Sort.Count).Select(o => Paging.ReadKey(reader, o, columns[o - 1].Kind)).Append(reader.GetInt64(0)).ToList(),
            reader.GetInt64(0),
            ReadVersion(reader, query.Sort.Count + 1)), cancellationToken);
        var (page, next, previous) = Paging.Cut(fetched, query.Count, cursor, r => r.Keys, fingerprint);
        var included = await IncludeAsync(query, page, cancellationToken);
        return new SearchPage([.. page.Select(r => r.Resource)], included, total, next, previous);
    }

    public async Task<HistoryPage> HistoryAsync(HistoryQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        OrderColumn[] columns = [HistoryOrder];
        var fingerprint = $"history|{query.Type}|{query.Id}";
        var cursor = query.PageToken is null ? null : Paging.Decode(query.PageToken, fingerprint, columns);

        var count = new SqlText().Append("SELECT COUNT(*) FROM resource_version v JOIN resource r ON r.rid = v.rid WHERE ");
        AppendHistoryFilter(count, query);
        var total = Convert.ToInt32(await count.ScalarAsync(connection, transaction, cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        if (query.Count <= 0)
        {
            return new HistoryPage([], total, null, null);
        }

        var sql = new SqlText().Append("SELECT v.seq, ").Append(VersionColumns("r", "v")).Append(" FROM resource_version v JOIN resource r ON r.rid = v.rid WHERE ");
        AppendHistoryFilter(sql, query);
        if (cursor is not null)
        {
            sql.Append(" AND ");
            Paging.AppendAfter(sql, columns, cursor);
        }

        Paging.AppendOrderBy(sql, columns, cursor?.Backward ?? false);
        sql.Append(" LIMIT ").AppendParam(query.Count + 1);
        var fetched = await sql.ReadRowsAsync(connection, transaction, reader => (Seq: reader.GetInt64(0), Resource: ReadVersion(reader, 1)), cancellationToken);
        var (page, next, previous) = Paging.Cut(fetched, query.Count, cursor, r => [r.Seq], fingerprint);
        return new HistoryPage([.. page.Select(r => r.Resource)], total, next, previous);
    }

    private static string MethodText(HistoryMethod method) => method.ToString().ToUpperInvariant();

    private static void AppendHistoryFilter(SqlText sql, HistoryQuery query)
    {
        sql.Append("1 = 1");
        if (query.Type is not null)
        {
            sql.Append(" AND r.type = ").AppendParam(query.Type);
        }

        if (query.Id is not null)
        {
            sql.Append(" AND r.id = ").AppendParam(query.Id);
        }

        if (query.Since is { } since)
        {
            sql.Append(" AND v.last_updated >= ").AppendParam(since.UtcTicks);
        }
    }

    /// <summary>
    /// <paramref name="written"/> (which returns the written row's rid) and then <paramref name="dependents"/> (which read that row
    /// from <see cref="WrittenRow"/> or the resource table), as one statement of data-modifying CTEs where the dialect allows it.
    /// </summary>
    private void AppendChained(SqlText sql, string written, IReadOnlyList<string> dependents)
    {
        if (!dialect.ChainsWritesInOneStatement)
        {
            sql.Append(written).Append(";");
            foreach (var dependent in dependents)
            {
                sql.Append(" ").Append(dependent).Append(";");
            }

            return;
        }

        sql.Append($"WITH {WrittenRow} AS ({written})");
        for (var n = 0; n < dependents.Count; n++)
        {
            sql.Append($", w{n} AS ({dependents[n]})");
        }

        sql.Append($" SELECT rid FROM {WrittenRow};");
    }

    /// <summary>Multi-row inserts per index table; rid comes from <paramref name="rows"/>, the resource row written by the same command.</summary>
    private static List<string> IndexInserts(SqlText sql, IReadOnlyList<IndexEntry> indices, string rows)
    {
        var statements = new List<string>();
        foreach (var group in indices.Select(e => (e.Param, Row: IndexTable.RowOf(e))).GroupBy(e => e.Row.Table))
        {
            var table = group.Key;
            var columns = string.Join(", ", table.Columns);
            var selected = string.Join(", ", Enumerable.Range(1, table.Columns.Count + 1).Select(n => "x.column" + n));
            foreach (var chunk in group.Chunk(IndexRowsPerStatement))
            {
                var tuples = string.Join(", ", chunk.Select(e => "(" + string.Join(", ", e.Row.Values.Prepend(e.Param).Select(sql.Param)) + ")"));
                statements.Add($"INSERT INTO {table.Name} (rid, param, {columns}) SELECT r.rid, {selected} FROM (VALUES {tuples}) x CROSS JOIN {rows}");
            }
        }

        return statements;
    }

    private string VersionColumns(string resource, string version) =>
        $"{resource}.type, {resource}.id, {version}.version, {version}.last_updated, {version}.method, {dialect.JsonText(version + ".json")}";

    /// <summary>Reads the six <see cref="VersionColumns"/> starting at <paramref name="offset"/>.</summary>
    private static StoredResource ReadVersion(DbDataReader reader, int offset)
    {
        var method = Enum.Parse<HistoryMethod>(reader.GetString(offset + 4), ignoreCase: true);
        return new StoredResource(
            reader.GetString(offset),
            reader.GetString(offset + 1),
            reader.GetInt32(offset + 2),
            new DateTimeOffset(reader.GetInt64(offset + 3), TimeSpan.Zero),
            method == HistoryMethod.Delete,
            reader.IsDBNull(offset + 5) ? null : reader.GetString(offset + 5),
            method);
    }

    /// <summary>_include and _revinclude of the page's matches, then once more (Iterate specs) of what they added.</summary>
    private async Task<IReadOnlyList<StoredResource>> IncludeAsync(SearchQuery query, List<Row> matches, CancellationToken cancellationToken)
    {
        if (matches.Count == 0 || (query.Includes.Count == 0 && query.RevIncludes.Count == 0))
        {
            return [];
        }

        var seen = matches.Select(m => m.Rid).ToHashSet();
        var included = new List<Row>();
        async Task<List<Row>> RoundAsync(List<Row> sources, bool iterateOnly)
        {
            var added = new List<Row>();
            foreach (var spec in query.Includes.Where(s => s.Iterate || !iterateOnly))
            {
                added.AddRange((await IncludedByAsync(spec, sources, cancellationToken)).Where(r => seen.Add(r.Rid)));
            }

            foreach (var spec in query.RevIncludes.Where(s => s.Iterate || !iterateOnly))
            {
                added.AddRange((await ReferringAsync(spec, sources, cancellationToken)).Where(r => seen.Add(r.Rid)));
            }

            included.AddRange(added);
            return added;
        }

        var first = await RoundAsync(matches, iterateOnly: false);
        if (first.Count > 0)
        {
            await RoundAsync(first, iterateOnly: true);
        }

        return [.. included.Select(r => r.Resource)];
    }

    /// <summary>Current resources that <paramref name="sources"/> of the spec's source type reference through its parameter.</summary>
    private async Task<List<Row>> IncludedByAsync(IncludeSpec spec, List<Row> sources, CancellationToken cancellationToken)
    {
        var rids = sources.Where(s => s.Resource.Type == spec.SourceType).Select(s => s.Rid).ToList();
        if (rids.Count == 0)
        {
            return [];
        }

        var sql = new SqlText();
        sql.Append("SELECT t.rid, ").Append(VersionColumns("t", "v"))
            .Append(" FROM resource t JOIN resource_version v ON v.rid = t.rid AND v.version = t.version WHERE NOT t.deleted AND t.rid IN (")
            .Append("SELECT t2.rid FROM idx_reference x JOIN resource t2 ON t2.type = x.target_type AND t2.id = x.target_id WHERE x.param = ")
            .AppendParam(spec.Parameter.Name).Append(" AND x.rid IN ").AppendList(rids);
        if (spec.TargetType is not null)
        {
            sql.Append(" AND x.target_type = ").AppendParam(spec.TargetType);
        }

        sql.Append(") ORDER BY t.rid");
        return await sql.ReadRowsAsync(connection, transaction, ReadIncluded, cancellationToken);
    }

    /// <summary>Current resources of the spec's source type that reference <paramref name="targets"/> through its parameter.</summary>
    private async Task<List<Row>> ReferringAsync(IncludeSpec spec, List<Row> targets, CancellationToken cancellationToken)
    {
        var byType = targets.Where(t => spec.TargetType is null || t.Resource.Type == spec.TargetType).GroupBy(t => t.Resource.Type).ToList();
        if (byType.Count == 0)
        {
            return [];
        }

        var sql = new SqlText();
        sql.Append("SELECT s.rid, ").Append(VersionColumns("s", "v"))
            .Append(" FROM resource s JOIN resource_version v ON v.rid = s.rid AND v.version = s.version WHERE NOT s.deleted AND s.type = ")
            .AppendParam(spec.SourceType).Append(" AND s.rid IN (SELECT x.rid FROM idx_reference x WHERE x.param = ").AppendParam(spec.Parameter.Name).Append(" AND (");
        for (var g = 0; g < byType.Count; g++)
        {
            sql.Append(g == 0 ? "(" : " OR (").Append("x.target_type = ").AppendParam(byType[g].Key)
                .Append(" AND x.target_id IN ").AppendList(byType[g].Select(t => t.Resource.Id)).Append(")");
        }

        sql.Append(")) ORDER BY s.rid");
        return await sql.ReadRowsAsync(connection, transaction, ReadIncluded, cancellationToken);
    }

    private static Row ReadIncluded(DbDataReader reader) => new([], reader.GetInt64(0), ReadVersion(reader, 1));

    /// <summary>A resource row of a search: its keyset position, surrogate key and content.</summary>
    private sealed record Row(IReadOnlyList<object?> Keys, long Rid, StoredResource Resource);
}
