using FhirBridge.Core.Validation;
using FhirBridge.Server.Configuration;
using Microsoft.Extensions.Options;

namespace FhirBridge.Server.Composition;

/// <summary>Builds the validator over the embedded package and the configured ones, and the write-time conformance gate.</summary>
internal static class ValidationServices
{
    public static IServiceCollection AddFhirBridgeValidation(this IServiceCollection services)
    {
        services.AddSingleton(sp => LoadValidator(
            sp.GetRequiredService<IOptions<ValidationOptions>>().Value, sp.GetRequiredService<ILogger<ProfileValidator>>()));
        services.AddSingleton(sp => new ConformanceGate(
            sp.GetRequiredService<ProfileValidator>(), sp.GetRequiredService<IOptions<ValidationOptions>>().Value.Rules));
        return services;
    }

    private static ProfileValidator LoadValidator(ValidationOptions options, ILogger logger)
    {
        var configured = ConformanceSource.Load(options.Packages);
        foreach (var problem in configured.LoadProblems)
        {
            logger.LogWarning("Validation package content skipped: {Problem}", problem);
        }

        // The embedded package comes first so a configured package cannot redefine its canonicals.
        var source = new ConformanceSource([.. FhirBridgePackage.Resources, .. configured.Resources], configured.LoadProblems);
        logger.LogInformation(
            "Validation: {Count} conformance resources loaded ({Configured} from {Packages} configured package(s)).",
            source.Resources.Count, configured.Resources.Count, options.Packages.Count);
        return new ProfileValidator(source);
    }
}
