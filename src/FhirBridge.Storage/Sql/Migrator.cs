using System.Data.Common;
using System.Globalization;

namespace FhirBridge.Storage.Sql;

/// <summary>Applies the embedded, numbered SQL scripts of a dialect that the schema_version table does not list yet.</summary>
internal static class Migrator
{
    private const string ResourcePrefix = "FhirBridge.Storage.Migrations.";

    public static async Task ApplyAsync(SqlDialect dialect, CancellationToken cancellationToken)
    {
        var scripts = LoadScripts(dialect.MigrationFolder);
        await using var connection = await dialect.OpenConnectionAsync(cancellationToken);
        await dialect.PrepareAsync(connection, cancellationToken);
        await using var transaction = await dialect.BeginTransactionAsync(connection, TransactionKind.Schema, cancellationToken);
        if (dialect.MigrationLockSql is { } lockSql)
        {
            await ExecuteAsync(new SqlText().Append(lockSql), connection, transaction, cancellationToken);
        }

        await ExecuteAsync(
            new SqlText().Append("CREATE TABLE IF NOT EXISTS schema_version (version integer PRIMARY KEY, applied_ticks bigint NOT NULL);"),
            connection,
            transaction,
            cancellationToken);
        var applied = await AppliedVersionsAsync(connection, transaction, cancellationToken);
        foreach (var (version, sql) in scripts.Where(s => !applied.Contains(s.Version)))
        {
            await ExecuteAsync(new SqlText().Append(sql), connection, transaction, cancellationToken);
            var record = new SqlText();
            record.Append("INSERT INTO schema_version (version, applied_ticks) VALUES (")
                .AppendParam(version).Append(", ").AppendParam(DateTimeOffset.UtcNow.UtcTicks).Append(");");
            await ExecuteAsync(record, connection, transaction, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private static List<(int Version, string Sql)> LoadScripts(string folder)
    {
        var assembly = typeof(Migrator).Assembly;
        var prefix = ResourcePrefix + folder + ".";
        var scripts = new List<(int Version, string Sql)>();
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
        {
            var fileName = name[prefix.Length..];
            var version = int.Parse(fileName[..fileName.IndexOf('_', StringComparison.Ordinal)], CultureInfo.InvariantCulture);
            using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
            scripts.Add((version, reader.ReadToEnd()));
        }

        if (scripts.Count == 0)
        {
            throw new InvalidOperationException($"No embedded migrations under {prefix}.");
        }

        return [.. scripts.OrderBy(s => s.Version)];
    }

    private static async Task<HashSet<int>> AppliedVersionsAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new SqlText().Append("SELECT version FROM schema_version;").CreateCommand(connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var versions = new HashSet<int>();
        while (await reader.ReadAsync(cancellationToken))
        {
            versions.Add(reader.GetInt32(0));
        }

        return versions;
    }

    private static async Task ExecuteAsync(SqlText sql, DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = sql.CreateCommand(connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
