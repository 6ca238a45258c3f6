using FhirBridge.Core.Operations;
using FhirBridge.Core.Search;
using FhirBridge.Storage;
using Microsoft.Data.Sqlite;

namespace FhirBridge.Core.Tests.Operations;

/// <summary>A <see cref="ResourceService"/> over a real SQLite store in a temp file, one per test class.</summary>
public sealed class ServiceFixture : IAsyncLifetime
{
    public const int MaxPageSize = 50;

    private readonly string _path = Path.Combine(Path.GetTempPath(), $"fhirbridge-service-{Guid.NewGuid():N}.db");
    private SqlResourceStore? _store;

    public static RequestContext Context { get; } = new(new Uri("http://localhost:8080/fhir"), StrictHandling: false);

    public ResourceService Service { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _store = await ResourceStoreFactory.CreateAsync(new StorageOptions(StorageOptions.Sqlite, _path));
        var registry = new SearchParameterRegistry();
        Service = new ResourceService(
            _store,
            new IndexExtractor(registry),
            new SearchQueryParser(registry),
            TimeProvider.System,
            new PageSizes(Default: 10, Max: MaxPageSize));
    }

    public async Task DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" })
        {
            File.Delete(file);
        }
    }
}
