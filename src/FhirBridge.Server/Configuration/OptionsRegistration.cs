using FhirBridge.Core.Fhir;
using FhirBridge.Core.Workflow;
using FhirBridge.Storage;

namespace FhirBridge.Server.Configuration;

/// <summary>Binds and validates the server's options at start-up.</summary>
internal static class OptionsRegistration
{
    public static IServiceCollection AddFhirBridgeOptions(this IServiceCollection services)
    {
        services.AddOptions<FhirServerOptions>()
            .BindConfiguration(FhirServerOptions.Section)
            .Validate(o => o.MaxBodyBytes > 0, "FhirServer:MaxBodyBytes must be positive.")
            .Validate(o => o.DefaultPageSize > 0, "FhirServer:DefaultPageSize must be positive.")
            .Validate(o => o.MaxPageSize >= o.DefaultPageSize, "FhirServer:MaxPageSize must be at least DefaultPageSize.")
            .ValidateOnStart();

        services.AddOptions<StorageHostOptions>()
            .BindConfiguration(StorageHostOptions.Section)
            .PostConfigure<IConfiguration>(ApplyPostgresVariable)
            .Validate(o => o.Provider is StorageOptions.Sqlite or StorageOptions.Postgres, "Storage:Provider must be 'sqlite' or 'postgres'.")
            .Validate(o => o.Provider != StorageOptions.Sqlite || !string.IsNullOrWhiteSpace(o.SqlitePath), "Storage:SqlitePath is required for sqlite.")
            .Validate(
                o => o.Provider != StorageOptions.Postgres || !string.IsNullOrWhiteSpace(o.PostgresConnectionString),
                $"Storage:PostgresConnectionString (or {StorageHostOptions.PostgresVariable}) is required for postgres.")
            .ValidateOnStart();

        services.AddOptions<ValidationOptions>()
            .BindConfiguration(ValidationOptions.Section)
            .Validate(
                o => o.MustConform is null || o.MustConform.All(r => r.ResourceType.Length > 0 && r.Profile.Length > 0),
                "Validation:MustConform entries need a ResourceType and a Profile.")
            .ValidateOnStart();

        services.AddOptions<AccessLogOptions>()
            .BindConfiguration(AccessLogOptions.Section)
            .Validate(o => Oids.Normalize(o.Controller) == o.Controller, "AccessLog:Controller must be the controller organisation's OID, e.g. 1.2.246.10.12345678.")
            .Validate(o => o.RetentionYears >= 1, "AccessLog:RetentionYears must be at least 1.")
            .ValidateOnStart();
        services.AddOptions<AuthorizationOptions>().BindConfiguration(AuthorizationOptions.Section);
        services.AddOptions<WorkflowOptions>()
            .BindConfiguration(WorkflowOptions.Section)
            .Validate(o => WorkflowSettings.IsAllowed(o.FollowUpAfter), "Workflow:FollowUpAfter must be whole days within 2–3 months (60.00:00:00 to 92.00:00:00); the default is 70.00:00:00 (10 weeks).")
            .ValidateOnStart();

        return services;
    }

    // Read through IConfiguration (environment variables are part of it) so tests can override the variable.
    private static void ApplyPostgresVariable(StorageHostOptions options, IConfiguration configuration)
    {
        var connectionString = configuration[StorageHostOptions.PostgresVariable];
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            options.Provider = StorageOptions.Postgres;
            options.PostgresConnectionString = connectionString;
        }
    }
}
