using System.Data.Common;
using System.Text;

namespace FhirBridge.Storage.Sql;

/// <summary>SQL text under construction with its positional parameters; values never enter the text itself.</summary>
internal sealed class SqlText
{
    private readonly StringBuilder _text = new();
    private readonly List<object?> _values = [];

    public SqlText Append(string sql)
    {
        _text.Append(sql);
        return this;
    }

    /// <summary>Adds a parameter and returns its placeholder.</summary>
    public string Param(object? value)
    {
        _values.Add(value);
        return "@p" + (_values.Count - 1);
    }

    /// <summary>Appends the placeholder of a new parameter.</summary>
    public SqlText AppendParam(object? value) => Append(Param(value));

    /// <summary>Appends <c>(@a, @b, ...)</c> for a non-empty list of values.</summary>
    public SqlText AppendList<T>(IEnumerable<T> values)
    {
        Append("(");
        var first = true;
        foreach (var value in values)
        {
            if (!first)
            {
                Append(", ");
            }

            AppendParam(value);
            first = false;
        }

        return Append(")");
    }

    /// <summary>Runs the statement and maps every row with <paramref name="read"/>.</summary>
    public async Task<List<T>> ReadRowsAsync<T>(DbConnection connection, DbTransaction transaction, Func<DbDataReader, T> read, CancellationToken cancellationToken)
    {
        await using var command = CreateCommand(connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    /// <summary>Runs the statement and returns the first column of its first row.</summary>
    public async Task<object?> ScalarAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = CreateCommand(connection, transaction);
        return await command.ExecuteScalarAsync(cancellationToken);
    }

    public DbCommand CreateCommand(DbConnection connection, DbTransaction transaction)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = _text.ToString();
        for (var i = 0; i < _values.Count; i++)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@p" + i;
            parameter.Value = _values[i] ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }

        return command;
    }
}
