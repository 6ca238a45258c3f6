using FhirBridge.Testing;

namespace FhirBridge.Server.Tests.Infrastructure;

/// <summary>A server on a fresh database of the shared throw-away PostgreSQL cluster, selected through FHIRBRIDGE_POSTGRES.</summary>
public sealed class PostgresFhirServer : IAsyncLifetime
{
    private FhirServerFactory? _factory;

    public FhirServerFactory Factory => _factory ?? throw new InvalidOperationException("The fixture is not initialized.");

    public async Task InitializeAsync()
    {
        var cluster = await PostgresServer.Shared;
        var settings = FhirServerFactory.BaseSettings();
        settings["FHIRBRIDGE_POSTGRES"] = await cluster.CreateDatabaseAsync();
        _factory = new FhirServerFactory(settings);
    }

    public async Task DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }
    }
}
