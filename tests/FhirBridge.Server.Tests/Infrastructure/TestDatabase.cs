using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace FhirBridge.Server.Tests.Infrastructure;

/// <summary>Direct SQL on a test server's database: what an intruder or a failing disk would do behind the server's back.</summary>
public static class TestDatabase
{
    public static async Task ExecuteAsync(FhirServerFactory factory, string sql)
    {
        await using var connection = await OpenAsync(factory);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    public static async Task<string?> ScalarAsync(FhirServerFactory factory, string sql)
    {
        await using var connection = await OpenAsync(factory);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (await command.ExecuteScalarAsync())?.ToString();
    }

    private static async Task<DbConnection> OpenAsync(FhirServerFactory factory)
    {
        var postgres = factory.Settings.GetValueOrDefault("FHIRBRIDGE_POSTGRES");
        DbConnection connection = string.IsNullOrEmpty(postgres)
            ? new SqliteConnection($"Data Source={factory.Settings["Storage:SqlitePath"]};Pooling=False")
            : new NpgsqlConnection(postgres);
        await connection.OpenAsync();
        return connection;
    }
}
