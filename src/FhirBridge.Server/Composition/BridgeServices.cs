using FhirBridge.Bridge.ConnectedSystems;
using FhirBridge.Bridge.Outbound;
using FhirBridge.Bridge.StatutoryPlans;
using FhirBridge.Core.Security;
using FhirBridge.Core.Storage;
using FhirBridge.Server.Bridge;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace FhirBridge.Server.Composition;

/// <summary>
/// The bridge to connected systems (issue #5): their directory, credentials and HTTP client with its resilience pipeline
/// (one per connected system's authority), the registration rules and the outbox written with every change, the
/// delivery worker, and the statutory-plan sync.
/// </summary>
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
        services.AddOptions<DeliveryOptions>()
            .BindConfiguration(DeliveryOptions.Section)
            .Validate(o => o.BatchSize > 0 && o.MaxAttempts > 0 && o.HttpRetries >= 0, "Bridge:Delivery: BatchSize and MaxAttempts must be positive, HttpRetries not negative.")
            .Validate(o => o.BreakerMinimumThroughput >= 2 && o.BreakerFailureRatio is > 0 and <= 1, "Bridge:Delivery: BreakerMinimumThroughput must be at least 2, BreakerFailureRatio in (0, 1].")
            .Validate(o => o.BreakerSamplingDuration >= TimeSpan.FromMilliseconds(500) && o.BreakerBreakDuration >= TimeSpan.FromMilliseconds(500),
                "Bridge:Delivery: BreakerSamplingDuration and BreakerBreakDuration must be at least 00:00:00.5.")
            .Validate(o => o.Lease > o.AttemptTimeout * (o.HttpRetries + 1), "Bridge:Delivery:Lease must exceed one attempt with its HTTP retries (AttemptTimeout × (HttpRetries + 1)).")
            .Validate(o => Uri.TryCreate(o.SourceBaseUrl, UriKind.Absolute, out _), "Bridge:Delivery:SourceBaseUrl must be this server's absolute FHIR base URL.")
            .ValidateOnStart();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<DeliveryOptions>>().Value);
        services.AddHttpClient(ConnectedSystemHttp.ClientName)
            .AddResilienceHandler("connected-systems", (pipeline, context) => Configure(pipeline, context.ServiceProvider.GetRequiredService<DeliveryOptions>()))
            .SelectPipelineByAuthority();

        services.AddSingleton<IWriteObserver, EndpointRegistration>();
        services.AddSingleton<IWriteObserver>(sp => new OutboxWriter(
            sp.GetRequiredService<ConnectedSystemDirectory>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IResourceStore>));
        services.AddSingleton<ConsentGate>();
        services.AddSingleton<Pusher>();
        services.AddSingleton<DeliveryWorker>();
        services.AddSingleton<OutboxAdmin>();
        services.AddHostedService(sp => sp.GetRequiredService<DeliveryWorker>());
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

    // Outermost first: retries around the circuit breaker around each attempt's timeout
    // (https://learn.microsoft.com/dotnet/core/resilience/http-resilience).
    private static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, DeliveryOptions options)
    {
        if (options.HttpRetries > 0)
        {
            pipeline.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = options.HttpRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.HttpRetryDelay,
            });
        }

        pipeline.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
        {
            FailureRatio = options.BreakerFailureRatio,
            MinimumThroughput = options.BreakerMinimumThroughput,
            SamplingDuration = options.BreakerSamplingDuration,
            BreakDuration = options.BreakerBreakDuration,
        });
        pipeline.AddTimeout(options.AttemptTimeout);
    }
}
