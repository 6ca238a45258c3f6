using FhirBridge.Storage.Sql;

namespace FhirBridge.Storage;

/// <summary>Creates the configured store and brings its schema up to date before returning it.</summary>
public static class ResourceStoreFactory
{
    /// <summary>Opens the database named by <paramref name="options"/>, applies pending migrations and returns the store.</summary>
    public static async Task<SqlResourceStore> CreateAsync(StorageOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        SqlDialect dialect = options.Provider.ToLowerInvariant() switch
        {
            StorageOptions.Sqlite => SqliteDialect.Create(options.SqlitePath),
            StorageOptions.Postgres => PostgresDialect.Create(options.PostgresConnectionString
                ?? throw new ArgumentException("PostgresConnectionString is required for the postgres provider.", nameof(options))),
            _ => throw new ArgumentException($"Unknown storage provider '{options.Provider}' (use '{StorageOptions.Sqlite}' or '{StorageOptions.Postgres}').", nameof(options)),
        };

        var store = new SqlResourceStore(dialect);
        try
        {
            await store.MigrateAsync(cancellationToken);
            return store;
        }
        catch
        {
            await store.DisposeAsync();
            throw;
        }
    }
}
