using Npgsql;
using NpgsqlTypes;

namespace FhirBridge.Bench;

/// <summary>Baseline 2: plain Npgsql INSERTs of the same Patient JSON into a jsonb table, one autocommit statement each.</summary>
internal sealed class RawInsertScenario(NpgsqlDataSource dataSource) : IScenario
{
    private const string Table = "bench_raw_insert";

    public string Name => "raw-insert";

    public async Task PrepareAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"DROP TABLE IF EXISTS {Table}; CREATE TABLE {Table} (id text PRIMARY KEY, body jsonb NOT NULL);");
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<bool> ExecuteAsync(CancellationToken cancellationToken)
    {
        var id = PatientJson.NewBenchId();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"INSERT INTO {Table} (id, body) VALUES ($1, $2)", connection)
        {
            Parameters =
            {
                new NpgsqlParameter { Value = id, NpgsqlDbType = NpgsqlDbType.Text },
                new NpgsqlParameter { Value = PatientJson.Create(id), NpgsqlDbType = NpgsqlDbType.Jsonb },
            },
        };
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }
}
