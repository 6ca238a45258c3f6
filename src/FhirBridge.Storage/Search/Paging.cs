using System.Buffers;
using System.Data.Common;
using System.Text;
using System.Text.Json;
using FhirBridge.Core.Errors;
using FhirBridge.Storage.Sql;

namespace FhirBridge.Storage.Search;

/// <summary>The SQL type of an ordering column's values, which decides how page tokens carry them.</summary>
internal enum SortValueKind
{
    Text,
    Integer,
    Real,
}

/// <summary>An ORDER BY column of a paged query; the last column of a list is a unique, non-null tie-breaker.</summary>
internal sealed record OrderColumn(string Expression, bool Descending, SortValueKind Kind);

/// <summary>
/// A keyset position: the rows strictly after <see cref="Keys"/> in traversal order (the reverse of the requested
/// order when <see cref="Backward"/>), plus the row at <see cref="Keys"/> itself when <see cref="Inclusive"/>.
/// </summary>
internal sealed record PageCursor(bool Backward, bool Inclusive, IReadOnlyList<object?> Keys);

/// <summary>
/// Keyset (seek) pagination shared by search and history: positions survive concurrent inserts and deletes because
/// a page starts after the last row seen, never at an offset. Nulls sort last in the requested order.
/// </summary>
internal static class Paging
{
    private const string InvalidToken = "invalid page token";

    public static void AppendOrderBy(SqlText sql, IReadOnlyList<OrderColumn> columns, bool backward)
    {
        sql.Append(" ORDER BY ");
        for (var i = 0; i < columns.Count; i++)
        {
            var column = columns[i];
            sql.Append(i == 0 ? string.Empty : ", ").Append(column.Expression)
                .Append(column.Descending ^ backward ? " DESC" : " ASC")
                .Append(backward ? " NULLS FIRST" : " NULLS LAST");
        }
    }

    /// <summary>Appends the predicate selecting the rows after <paramref name="cursor"/> (lexicographic on all columns).</summary>
    public static void AppendAfter(SqlText sql, IReadOnlyList<OrderColumn> columns, PageCursor cursor)
    {
        sql.Append("(");
        for (var level = 0; level < columns.Count; level++)
        {
            sql.Append(level == 0 ? "(" : " OR (");
            for (var j = 0; j < level; j++)
            {
                AppendEqual(sql, columns[j].Expression, cursor.Keys[j]);
                sql.Append(" AND ");
            }

            AppendBeyond(sql, columns[level], cursor.Keys[level], cursor.Backward);
            sql.Append(")");
        }

        if (cursor.Inclusive)
        {
            sql.Append(" OR ");
            AppendEqual(sql, columns[^1].Expression, cursor.Keys[^1]);
        }

        sql.Append(")");
    }

    /// <summary>Cuts the fetched rows (up to count + 1, in traversal order) to a page and derives its next/previous tokens.</summary>
    public static (List<T> Page, string? Next, string? Previous) Cut<T>(
        List<T> fetched, int count, PageCursor? cursor, Func<T, IReadOnlyList<object?>> keysOf, string fingerprint)
    {
        var hasMore = fetched.Count > count;
        var page = fetched.Take(count).ToList();
        string? At(bool backward, bool inclusive, IReadOnlyList<object?> keys) => Encode(new PageCursor(backward, inclusive, keys), fingerprint);

        if (cursor is not { Backward: true })
        {
            var next = hasMore ? At(false, false, keysOf(page[^1])) : null;
            var previous = cursor is null ? null : page.Count > 0 ? At(true, false, keysOf(page[0])) : At(true, true, cursor.Keys);
            return (page, next, previous);
        }

        page.Reverse();
        var before = hasMore ? At(true, false, keysOf(page[0])) : null;
        var after = page.Count > 0 ? At(false, false, keysOf(page[^1])) : At(false, true, cursor.Keys);
        return (page, after, before);
    }

    public static object? ReadKey(DbDataReader reader, int ordinal, SortValueKind kind)
    {
        if (reader.IsDBNull(ordinal))
        {
            return null;
        }

        var value = reader.GetValue(ordinal);
        return kind switch
        {
            SortValueKind.Text => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture),
            SortValueKind.Integer => Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture),
            _ => Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    public static string Encode(PageCursor cursor, string fingerprint)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("f", fingerprint);
            writer.WriteBoolean("b", cursor.Backward);
            writer.WriteBoolean("i", cursor.Inclusive);
            writer.WriteStartArray("k");
            foreach (var key in cursor.Keys)
            {
                switch (key)
                {
                    case null: writer.WriteNullValue(); break;
                    case string s: writer.WriteStringValue(s); break;
                    case long l: writer.WriteNumberValue(l); break;
                    case double d: writer.WriteNumberValue(d); break;
                    default: throw new ArgumentException($"Unsupported key {key.GetType().Name}.", nameof(cursor));
                }
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Convert.ToBase64String(buffer.WrittenSpan).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>Decodes a token issued for the same ordering (<paramref name="fingerprint"/>); anything else is a 400.</summary>
    public static PageCursor Decode(string token, string fingerprint, IReadOnlyList<OrderColumn> columns)
    {
        try
        {
            var base64 = token.Replace('-', '+').Replace('_', '/');
            var json = Convert.FromBase64String(base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '='));
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            var keys = root.GetProperty("k");
            if (root.GetProperty("f").GetString() != fingerprint || keys.GetArrayLength() != columns.Count)
            {
                throw new BadRequestException(InvalidToken);
            }

            var values = keys.EnumerateArray().Zip(columns, DecodeKey).ToList();
            if (values[^1] is null)
            {
                throw new BadRequestException(InvalidToken);
            }

            return new PageCursor(root.GetProperty("b").GetBoolean(), root.GetProperty("i").GetBoolean(), values);
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException or KeyNotFoundException or DecoderFallbackException)
        {
            throw new BadRequestException(InvalidToken);
        }
    }

    private static object? DecodeKey(JsonElement element, OrderColumn column) => (element.ValueKind, column.Kind) switch
    {
        (JsonValueKind.Null, _) => null,
        (JsonValueKind.String, SortValueKind.Text) => element.GetString(),
        (JsonValueKind.Number, SortValueKind.Integer) => element.GetInt64(),
        (JsonValueKind.Number, SortValueKind.Real) => element.GetDouble(),
        _ => throw new BadRequestException(InvalidToken),
    };

    private static void AppendEqual(SqlText sql, string expression, object? key)
    {
        if (key is null)
        {
            sql.Append(expression).Append(" IS NULL");
        }
        else
        {
            sql.Append(expression).Append(" = ").AppendParam(key);
        }
    }

    private static void AppendBeyond(SqlText sql, OrderColumn column, object? key, bool backward)
    {
        // Forward traversal puts nulls last, backward traversal (reversed order) puts them first.
        if (key is null)
        {
            sql.Append(backward ? column.Expression + " IS NOT NULL" : "1 = 0");
            return;
        }

        sql.Append("(").Append(column.Expression).Append(column.Descending ^ backward ? " < " : " > ").AppendParam(key);
        sql.Append(backward ? ")" : " OR " + column.Expression + " IS NULL)");
    }
}
