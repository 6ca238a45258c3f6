namespace FhirBridge.Storage;

/// <summary>Which database backs the store and where it is; bound from configuration by the server.</summary>
/// <param name="Provider"><see cref="Sqlite"/> (default) or <see cref="Postgres"/>.</param>
/// <param name="SqlitePath">The SQLite database file; its directory is created when missing.</param>
/// <param name="PostgresConnectionString">An Npgsql connection string, required for <see cref="Postgres"/>.</param>
public sealed record StorageOptions(string Provider = StorageOptions.Sqlite, string SqlitePath = StorageOptions.DefaultSqlitePath, string? PostgresConnectionString = null)
{
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";
    public const string DefaultSqlitePath = "./data/fhirbridge.db";
}
