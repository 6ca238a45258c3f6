using FhirBridge.Bridge.ConnectedSystems;
using FhirBridge.Bridge.StatutoryPlans;
using FhirBridge.Server.Bridge;

namespace FhirBridge.Server.Composition;

/// <summary>The bridge to connected systems (issue #5): their directory, credentials and HTTP client; the statutory-plan sync.</summary>
internal static class BridgeServices
{
    public const string CredentialsSection = "Bridge:Credentials";

    public static IServiceCollection AddFhirBridgeBridge(this IServiceCollection services)
    {
        services.AddSingleton<ConnectedSystemDirectory>();
        services.AddSingleton(sp => new BridgeCredentials(
            sp.GetRequiredService<IConfiguration>().GetSection(CredentialsSection).GetChildren()
                .Where(c => c.Value is not null)
                .ToDictionary(c => c.Key, c => c.Value!, StringComparer.Ordinal)));
        services.AddHttpClient(ConnectedSystemHttp.ClientName);
        services.AddSingleton(sp => sp.GetRequiredService<IConfiguration>().GetSection(StatutoryPlanSyncOptions.Section).Get<StatutoryPlanSyncOptions>()
            ?? new StatutoryPlanSyncOptions());
        services.AddSingleton<StatutoryPlanFetcher>();
        services.AddSingleton<StatutoryPlanMapper>();
        services.AddSingleton<StatutoryPlanSync>();
        services.AddSingleton<StatutoryPlanScheduler>();
        services.AddHostedService(sp => sp.GetRequiredService<StatutoryPlanScheduler>());
        return services;
    }
}
