using System.Data.Common;
using FhirBridge.Core.Search;
using FhirBridge.Core.Storage;
using FhirBridge.Testing;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace FhirBridge.Storage.Tests;

/// <summary>Runs every test class of the store against SQLite and PostgreSQL, on one shared throw-away PG cluster.</summary>
[CollectionDefinition(Name)]
public sealed class StoreCollection : ICollectionFixture<PostgresCluster>
{
    public const string Name = "store";
}

/// <summary>Creates fresh stores (a temp SQLite file or a new PG database) per test and disposes them afterwards.</summary>
[Collection(StoreCollection.Name)]
public abstract class StoreTestBase(PostgresCluster cluster) : IAsyncLifetime
{
    private readonly List<SqlResourceStore> _stores = [];
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "fhirbridge-store-" + Guid.NewGuid().ToString("N"));

    public static TheoryData<string> Providers => new() { StorageOptions.Sqlite, StorageOptions.Postgres };

    protected PostgresCluster Cluster => cluster;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }

        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    /// <summary>Options for a new, empty database of <paramref name="provider"/>.</summary>
    protected async Task<StorageOptions> NewDatabaseAsync(string provider) => provider == StorageOptions.Sqlite
        ? new StorageOptions(StorageOptions.Sqlite, Path.Combine(_directory, Guid.NewGuid().ToString("N"), "fhirbridge.db"))
        : new StorageOptions(StorageOptions.Postgres, PostgresConnectionString: await cluster.CreateDatabaseAsync());

    protected async Task<SqlResourceStore> OpenAsync(StorageOptions options)
    {
        var store = await ResourceStoreFactory.CreateAsync(options);
        _stores.Add(store);
        return store;
    }

    protected async Task<SqlResourceStore> CreateStoreAsync(string provider) => await OpenAsync(await NewDatabaseAsync(provider));

    /// <summary>Writes the next version of a resource (creating it at version 1) with the given index entries.</summary>
    protected static Task<StoredResource> PutAsync(IResourceStore store, string type, string id, params IndexEntry[] indices) =>
        PutAtAsync(store, type, id, DateTimeOffset.UtcNow, indices);

    protected static Task<StoredResource> PutAtAsync(IResourceStore store, string type, string id, DateTimeOffset lastUpdated, params IndexEntry[] indices) =>
        store.WriteAsync(
            async (session, ct) =>
            {
                var current = await session.GetAsync(type, id, null, ct);
                var version = (current?.Version ?? 0) + 1;
                var method = current is null ? HistoryMethod.Post : HistoryMethod.Put;
                await session.SaveAsync(new ResourceWrite(type, id, version, lastUpdated, method, Json(type, id, version), indices), ct);
                return (await session.GetAsync(type, id, null, ct))!;
            },
            CancellationToken.None);

    protected static Task DeleteAsync(IResourceStore store, string type, string id) =>
        store.WriteAsync(
            async (session, ct) =>
            {
                var current = await session.GetAsync(type, id, null, ct);
                await session.SaveAsync(new ResourceWrite(type, id, current!.Version + 1, DateTimeOffset.UtcNow, HistoryMethod.Delete, null, []), ct);
                return true;
            },
            CancellationToken.None);

    protected static Task<StoredResource?> GetAsync(IResourceStore store, string type, string id, int? version = null) =>
        store.ReadAsync((session, ct) => session.GetAsync(type, id, version, ct), CancellationToken.None);

    protected static Task<SearchPage> SearchAsync(IResourceStore store, SearchQuery query) =>
        store.ReadAsync((session, ct) => session.SearchAsync(query, ct), CancellationToken.None);

    protected static Task<HistoryPage> HistoryAsync(IResourceStore store, HistoryQuery query) =>
        store.ReadAsync((session, ct) => session.HistoryAsync(query, ct), CancellationToken.None);

    /// <summary>The ids of all matches of <paramref name="criteria"/> on <paramref name="type"/>, in default order.</summary>
    protected static async Task<List<string>> IdsAsync(IResourceStore store, string type, params SearchCriterion[] criteria)
    {
        var page = await SearchAsync(store, SearchQuery.All(type, 100) with { Criteria = criteria });
        return [.. page.Matches.Select(m => m.Id)];
    }

    /// <summary>Runs <paramref name="sql"/> on the database of <paramref name="options"/> behind the store's back.</summary>
    protected static async Task<object?> ScalarAsync(StorageOptions options, string sql)
    {
        await using DbConnection connection = options.Provider == StorageOptions.Sqlite
            ? new SqliteConnection($"Data Source={options.SqlitePath};Pooling=false")
            : new NpgsqlConnection(options.PostgresConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }

    protected static string Json(string type, string id, int version) =>
        $$$"""{"resourceType":"{{{type}}}","id":"{{{id}}}","meta":{"versionId":"{{{version}}}"}}""";
}
