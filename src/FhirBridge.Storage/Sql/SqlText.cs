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
