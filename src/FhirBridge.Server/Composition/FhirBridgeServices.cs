using FhirBridge.Core.Operations;
using FhirBridge.Core.Search;
using FhirBridge.Core.Storage;
using FhirBridge.Core.Security;
using FhirBridge.Core.Validation;
using FhirBridge.Server.Audit;
using FhirBridge.Server.Capability;
using FhirBridge.Server.Conformance;
using FhirBridge.Server.Configuration;
using FhirBridge.Server.Http;
using FhirBridge.Server.Security;
using Microsoft.Extensions.Options;

namespace FhirBridge.Server.Composition;

/// <summary>The composition root: wires Core's interactions to the configured store.</summary>
internal static class FhirBridgeServices
{
    public static IServiceCollection AddFhirBridge(this IServiceCollection services)
    {
        services.AddFhirBridgeOptions();
        services.AddFhirBridgeAuthentication();
        services.AddSingleton(TimeProvider.System);

        services.AddSingleton<StoreHost>();
        services.AddHostedService(sp => sp.GetRequiredService<StoreHost>());
        services.AddSingleton(sp => sp.GetRequiredService<StoreHost>().Store);
        services.AddSingleton(sp => sp.GetRequiredService<StoreHost>().AuditLog);
        services.AddSingleton(sp => sp.GetRequiredService<StoreHost>().Outbox);

        services.AddSingleton<ISearchParameterRegistry, SearchParameterRegistry>();
        services.AddSingleton<IIndexExtractor, IndexExtractor>();
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<FhirServerOptions>>().Value;
            return new PageSizes(options.DefaultPageSize, options.MaxPageSize);
        });
        services.AddSingleton<ISearchQueryParser>(sp => new SearchQueryParser(
            sp.GetRequiredService<ISearchParameterRegistry>(), sp.GetRequiredService<PageSizes>()));
        services.AddFhirBridgeValidation();
        services.AddFhirBridgeMappings();
        services.AddFhirBridgeBridge();
        services.AddAccessControl();
        // One store and service per request: the store is guarded by the request's caller and records what it touches.
        services.AddScoped(sp => NewGuardedStore(sp, sp.GetRequiredService<RequestAudit>().Trail));
        services.AddScoped(sp => ServiceOver(sp, sp.GetRequiredService<GuardedStore>()));
        services.AddScoped<IResourceService>(sp => sp.GetRequiredService<ResourceService>());
        services.AddScoped(sp => sp.GetRequiredService<ResourceService>().Workflow!);

        services.AddPopulation();
        services.AddSingleton<CapabilityStatementProvider>();
        services.AddSingleton<ConformanceCatalog>();
        services.AddSingleton<TerminologyService>();
        services.AddSingleton<FhirRequestReader>();
        return services;
    }

    /// <summary>The interactions as <paramref name="trail"/>'s caller may use them, recording what they touch in it.</summary>
    public static ResourceService GuardedService(IServiceProvider sp, AccessTrail trail) => ServiceOver(sp, NewGuardedStore(sp, trail));

    /// <summary>The store as <paramref name="trail"/>'s caller may use it; its writes also reach the write observers (the bridge's outbox).</summary>
    private static GuardedStore NewGuardedStore(IServiceProvider sp, AccessTrail trail) =>
        new(sp.GetRequiredService<IResourceStore>(), sp.GetRequiredService<AccessPolicy>(), trail, [.. sp.GetServices<IWriteObserver>()]);

    private static ResourceService ServiceOver(IServiceProvider sp, GuardedStore store) => new(
        store,
        sp.GetRequiredService<IIndexExtractor>(),
        sp.GetRequiredService<ISearchQueryParser>(),
        sp.GetRequiredService<TimeProvider>(),
        sp.GetRequiredService<PageSizes>(),
        sp.GetRequiredService<ConformanceGate>(),
        sp.GetRequiredService<IOptions<WorkflowOptions>>().Value.ToSettings(),
        sp.GetRequiredService<AccessPolicy>());
}
