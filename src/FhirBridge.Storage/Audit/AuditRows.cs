using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using FhirBridge.Core.Audit;
using FhirBridge.Storage.Sql;

namespace FhirBridge.Storage.Audit;

/// <summary>The audit_event table: how an <see cref="AuditEntry"/> is inserted and read back, and how the chain hashes it.</summary>
internal static class AuditRows
{
    /// <summary>The previous hash of the very first entry.</summary>
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

    public const string CannotWrite = "The access log cannot be written; the request was not served. Retry later.";

    /// <summary>The columns <see cref="Read"/> expects, in order.</summary>
    public const string Columns = "id, recorded, kind, action, outcome, patient_id, user_ident, organization, legal_basis, break_glass, json";

    // Keeps one statement's parameters (12 a row) well below SQLite's and PostgreSQL's limits.
    private const int RowsPerStatement = 200;

    /// <summary>Inserts <paramref name="entries"/> unsealed in the given transaction.</summary>
    /// <summary>Inserts entries unsealed, or — with <paramref name="links"/>, one per entry — already chained.</summary>
    public static async Task InsertAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken, IReadOnlyList<ChainLink>? links = null)
    {
        foreach (var sql in InsertStatements(entries, links))
        {
            await using var command = sql.CreateCommand(connection, transaction);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>The multi-row INSERT statements of <see cref="InsertAsync"/>, for a caller that appends more SQL to the last one.</summary>
    public static List<SqlText> InsertStatements(IReadOnlyList<AuditEntry> entries, IReadOnlyList<ChainLink>? links)
    {
        var columns = links is null ? Columns : Columns + ", chain_pos, prev_hash, hash";
        var statements = new List<SqlText>();
        for (var start = 0; start < entries.Count; start += RowsPerStatement)
        {
            var sql = new SqlText().Append("INSERT INTO audit_event (").Append(columns).Append(") VALUES ");
            for (var i = start; i < Math.Min(entries.Count, start + RowsPerStatement); i++)
            {
                var e = entries[i];
                List<object?> values = [e.Id, e.Recorded.UtcTicks, KindText(e.Kind), e.Action, e.Outcome, e.PatientId, e.User, e.Organization, e.LegalBasis, e.BreakGlass, e.Json];
                if (links is not null)
                {
                    values.AddRange([links[i].Position, links[i].Previous, links[i].Hash]);
                }

                sql.Append(i == start ? string.Empty : ", ").AppendList(values);
            }

            statements.Add(sql);
        }

        return statements;
    }

    /// <summary>Reads the <see cref="Columns"/> starting at <paramref name="offset"/>.</summary>
    public static AuditEntry Read(DbDataReader reader, int offset) => new(
        reader.GetString(offset),
        new DateTimeOffset(reader.GetInt64(offset + 1), TimeSpan.Zero),
        reader.GetString(offset + 2) == KindText(AuditKind.Disclosure) ? AuditKind.Disclosure : AuditKind.Access,
        reader.GetString(offset + 3),
        reader.GetString(offset + 4),
        NullableString(reader, offset + 5),
        NullableString(reader, offset + 6),
        NullableString(reader, offset + 7),
        NullableString(reader, offset + 8),
        reader.GetBoolean(offset + 9),
        reader.GetString(offset + 10));

    public static string KindText(AuditKind kind) => kind == AuditKind.Disclosure ? "disclosure" : "access";

    /// <summary>The chain hash of the entry at <paramref name="position"/>: lowercase SHA-256 hex of prev + "\n" + position + "\n" + json.</summary>
    public static string Hash(string previousHash, long position, string json) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            previousHash + "\n" + position.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\n" + json)));

    private static string? NullableString(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    /// <summary>An entry's place in the hash chain.</summary>
    public sealed record ChainLink(long Position, string Previous, string Hash);
}
