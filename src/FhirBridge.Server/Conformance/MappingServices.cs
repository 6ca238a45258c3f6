using FhirBridge.Core.Terminology;

namespace FhirBridge.Server.Conformance;

/// <summary>Loads the ConceptMaps: the embedded ones plus the folders and files listed in configuration <c>Bridge:Mappings</c>.</summary>
internal static class MappingServices
{
    public const string Section = "Bridge:Mappings";

    public static IServiceCollection AddFhirBridgeMappings(this IServiceCollection services)
    {
        services.AddSingleton(sp =>
        {
            var paths = sp.GetRequiredService<IConfiguration>().GetSection(Section).Get<List<string>>() ?? [];
            var maps = ConceptMapSet.Load(paths);
            sp.GetRequiredService<ILogger<ConceptMapSet>>().LogInformation(
                "Mappings: {Count} ConceptMaps loaded ({Paths} configured path(s)).", maps.Maps.Count, paths.Count);
            return maps;
        });
        services.AddSingleton<ConceptTranslator>();
        return services;
    }
}
