using FhirBridge.Core.Errors;
using FhirBridge.Core.Storage;
using FhirBridge.Testing;

namespace FhirBridge.Storage.Tests;

public sealed class ConcurrencyAndSchemaTests(PostgresCluster cluster) : StoreTestBase(cluster)
{
    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ParallelReadModifyWrite_LosesNoUpdate(string provider)
    {
        var store = await CreateStoreAsync(provider);
        await PutAsync(store, "Patient", "p1");

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            try
            {
                await PutAsync(store, "Patient", "p1", new Core.Search.TokenIndex("identifier", null, "x"));
                return true;
            }
            catch (ResourceConflictException)
            {
                return false;
            }
        })));

        var current = await GetAsync(store, "Patient", "p1");
        var history = await HistoryAsync(store, new HistoryQuery("Patient", "p1", null, 50, null));
        Assert.Equal(1 + outcomes.Count(o => o), current!.Version);
        Assert.Equal(Enumerable.Range(1, current.Version).Reverse(), history.Entries.Select(e => e.Version));
        Assert.True(outcomes.Count(o => o) >= 1);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ParallelCreatesOfOneId_CreateItOnce(string provider)
    {
        var store = await CreateStoreAsync(provider);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(async () =>
        {
            try
            {
                await store.WriteAsync(
                    async (session, ct) =>
                    {
                        var current = await session.GetAsync("Patient", "same", null, ct);
                        if (current is not null)
                        {
                            return false;
                        }

                        await session.SaveAsync(new ResourceWrite("Patient", "same", 1, DateTimeOffset.UtcNow, HistoryMethod.Post, Json("Patient", "same", 1), []), ct);
                        return true;
                    },
                    CancellationToken.None);
                return true;
            }
            catch (ResourceConflictException)
            {
                return false;
            }
        })));

        Assert.Equal(1, (await GetAsync(store, "Patient", "same"))!.Version);
        Assert.Equal(1, (await HistoryAsync(store, new HistoryQuery("Patient", "same", null, 10, null))).Total);
        Assert.Contains(true, outcomes);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Migrations_RunTwiceOrConcurrently_AreAppliedOnce(string provider)
    {
        var options = await NewDatabaseAsync(provider);
        var stores = await Task.WhenAll(OpenAsync(options), OpenAsync(options));
        await PutAsync(stores[0], "Patient", "p1");

        var reopened = await OpenAsync(options);

        Assert.Equal(1, (await GetAsync(reopened, "Patient", "p1"))!.Version);
        // Migrations are numbered 1, 2, ...: each applied once means one row per number up to the highest.
        Assert.Equal(await ScalarAsync(options, "SELECT CAST(MAX(version) AS bigint) FROM schema_version"), await ScalarAsync(options, "SELECT COUNT(*) FROM schema_version"));
        Assert.True(Convert.ToInt64(await ScalarAsync(options, "SELECT COUNT(*) FROM schema_version")) >= 2);
    }

    [Fact]
    public async Task Postgres_ServerDown_IsServiceUnavailable()
    {
        var server = await PostgresServer.StartAsync();
        try
        {
            var store = await OpenAsync(new StorageOptions(StorageOptions.Postgres, PostgresConnectionString: await server.CreateDatabaseAsync()));
            await PutAsync(store, "Patient", "p1");

            await server.StopAsync();

            await Assert.ThrowsAsync<ServiceUnavailableException>(() => GetAsync(store, "Patient", "p1"));
            await Assert.ThrowsAsync<ServiceUnavailableException>(() => PutAsync(store, "Patient", "p2"));
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task Postgres_NothingListening_FailsStartupWithServiceUnavailable()
    {
        var port = Cluster.Server.Port + 1;
        var options = new StorageOptions(StorageOptions.Postgres, PostgresConnectionString: $"Host=127.0.0.1;Port={port};Username=postgres;Database=none;Timeout=2");

        await Assert.ThrowsAsync<ServiceUnavailableException>(() => ResourceStoreFactory.CreateAsync(options));
    }

    [Fact]
    public async Task Sqlite_UnopenableFile_IsServiceUnavailable()
    {
        var directory = Path.Combine(Path.GetTempPath(), "fhirbridge-dir-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            // A directory where the database file should be cannot be opened as a database.
            await Assert.ThrowsAsync<ServiceUnavailableException>(() => ResourceStoreFactory.CreateAsync(new StorageOptions(StorageOptions.Sqlite, directory)));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Sqlite_DatabaseFile_IsInWalModeInACreatedDirectory()
    {
        var options = await NewDatabaseAsync(StorageOptions.Sqlite);

        await OpenAsync(options);

        Assert.True(File.Exists(options.SqlitePath));
        Assert.Equal("wal", await ScalarAsync(options, "PRAGMA journal_mode"));
    }
}
