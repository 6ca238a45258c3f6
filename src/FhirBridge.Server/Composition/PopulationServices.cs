using FhirBridge.Core.Operations;
using FhirBridge.Core.Population;
using FhirBridge.Core.Search;
using FhirBridge.Core.Security;
using FhirBridge.Server.Configuration;
using Microsoft.Extensions.Options;

namespace FhirBridge.Server.Composition;

/// <summary>Wires the population operations of issue #6: candidate identification and outcome figures.</summary>
internal static class PopulationServices
{
    public static IServiceCollection AddPopulation(this IServiceCollection services)
    {
        services.AddOptions<CandidateOptions>()
            .BindConfiguration(CandidateOptions.Section)
            .Validate(
                o => o.CandidateServiceTypes.All(t => t.IndexOf('|', StringComparison.Ordinal) is > 0 and var bar && bar < t.Length - 1),
                "Workflow:CandidateServiceTypes entries must be system|code.")
            .ValidateOnStart();
        services.AddScoped(sp => new JointClientCandidates(
            sp.GetRequiredService<GuardedStore>(),
            sp.GetRequiredService<IResourceService>(),
            sp.GetRequiredService<AccessPolicy>(),
            sp.GetRequiredService<PageSizes>(),
            sp.GetRequiredService<TimeProvider>(),
            new CandidateSettings(sp.GetRequiredService<IOptions<CandidateOptions>>().Value.CandidateServiceTypes)));
        services.AddScoped(sp => new EpisodeOutcomes(
            sp.GetRequiredService<GuardedStore>(), sp.GetRequiredService<AccessPolicy>(), sp.GetRequiredService<PageSizes>()));
        return services;
    }
}
