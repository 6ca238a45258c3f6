using FhirBridge.Bridge.ConnectedSystems;

namespace FhirBridge.Server.Composition;

/// <summary>The bridge to connected systems (issue #5): their directory, credentials and HTTP client.</summary>
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
        return services;
    }
}
