using FhirBridge.Bridge.ConnectedSystems;
using FhirBridge.Bridge.StatutoryPlans;
using FhirBridge.Server.Bridge;
using Microsoft.Extensions.Options;

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
        services.AddOptions<StatutoryPlanSyncOptions>()
            .BindConfiguration(StatutoryPlanSyncOptions.Section)
            .Validate(o => o.Interval >= TimeSpan.Zero, "Bridge:StatutoryPlanSync:Interval must not be negative (00:00:00 turns the scheduled sync off).")
            .Validate(o => o.RequestTimeout > TimeSpan.Zero, "Bridge:StatutoryPlanSync:RequestTimeout must be positive.")
            .Validate(o => o.PageSize > 0, "Bridge:StatutoryPlanSync:PageSize must be positive.")
            .ValidateOnStart();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<StatutoryPlanSyncOptions>>().Value);
        services.AddSingleton<StatutoryPlanFetcher>();
        services.AddSingleton<StatutoryPlanMapper>();
        services.AddSingleton<StatutoryPlanSync>();
        services.AddSingleton<StatutoryPlanScheduler>();
        services.AddHostedService(sp => sp.GetRequiredService<StatutoryPlanScheduler>());
        return services;
    }
}
