using FhirBridge.Core.Audit;
using FhirBridge.Core.Outbox;
using FhirBridge.Core.Storage;
using FhirBridge.Server.Configuration;
using FhirBridge.Storage;
using Microsoft.Extensions.Options;

namespace FhirBridge.Server.Composition;

/// <summary>Opens the configured store (running its migrations) before the server accepts requests, and closes it at shutdown.</summary>
internal sealed class StoreHost(IOptions<StorageHostOptions> options, ILogger<StoreHost> logger) : IHostedService, IAsyncDisposable
{
    private SqlResourceStore? _store;

    /// <summary>The open store; only available once the host has started.</summary>
    public IResourceStore Store => _store ?? throw new InvalidOperationException("The resource store is used before the host started.");

    /// <summary>The access and disclosure log of the same database; only available once the host has started.</summary>
    public IAuditLog AuditLog => _store?.AuditLog ?? throw new InvalidOperationException("The audit log is used before the host started.");

    /// <summary>The bridge's outbox of the same database; only available once the host has started.</summary>
    public IOutbox Outbox => _store?.Outbox ?? throw new InvalidOperationException("The outbox is used before the host started.");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        _store = await ResourceStoreFactory.CreateAsync(settings.ToStorageOptions(), cancellationToken);
        logger.LogInformation("Resource store opened: {Provider}", settings.Provider);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public ValueTask DisposeAsync() => _store?.DisposeAsync() ?? ValueTask.CompletedTask;
}
