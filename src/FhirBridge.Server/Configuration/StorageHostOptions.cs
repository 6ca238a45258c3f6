using FhirBridge.Storage;

namespace FhirBridge.Server.Configuration;

/// <summary>Which database the server uses (configuration section "Storage"; FHIRBRIDGE_POSTGRES overrides).</summary>
public sealed class StorageHostOptions
{
    public const string Section = "Storage";

    /// <summary>The environment variable whose connection string selects PostgreSQL.</summary>
    public const string PostgresVariable = "FHIRBRIDGE_POSTGRES";

    /// <summary>"sqlite" (embedded, default) or "postgres".</summary>
    public string Provider { get; set; } = StorageOptions.Sqlite;

    public string SqlitePath { get; set; } = "data/fhirbridge.db";

    public string? PostgresConnectionString { get; set; }

    public StorageOptions ToStorageOptions() => new(Provider, SqlitePath, PostgresConnectionString);
}
