namespace FhirBridge.Server.Tests.Infrastructure;

/// <summary>A server on a fresh SQLite file, shared by one test class and deleted afterwards.</summary>
public sealed class SqliteFhirServer : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "fhirbridge-server-tests", Guid.NewGuid().ToString("N"));

    public SqliteFhirServer()
        : this(new Dictionary<string, string?>())
    {
    }

    private SqliteFhirServer(IReadOnlyDictionary<string, string?> settings)
    {
        var all = FhirServerFactory.BaseSettings();
        all["Storage:Provider"] = "sqlite";
        all["Storage:SqlitePath"] = Path.Combine(_directory, "fhirbridge.db");
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }

        Factory = new FhirServerFactory(all);
    }

    public FhirServerFactory Factory { get; }

    /// <summary>A server with <paramref name="settings"/> on top of the test defaults.</summary>
    public static SqliteFhirServer With(IReadOnlyDictionary<string, string?> settings) => new(settings);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
