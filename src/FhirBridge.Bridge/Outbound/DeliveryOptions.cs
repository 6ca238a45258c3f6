namespace FhirBridge.Bridge.Outbound;

/// <summary>The outbox delivery worker and its HTTP resilience (configuration section <c>Bridge:Delivery</c>).</summary>
public sealed class DeliveryOptions
{
    public const string Section = "Bridge:Delivery";

    /// <summary>False: no worker runs in this process (the outbox still fills; another instance may deliver).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How long the worker sleeps when the outbox has nothing due.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Deliveries claimed (and sent concurrently) per cycle.</summary>
    public int BatchSize { get; set; } = 20;

    /// <summary>How long a claimed delivery belongs to its worker; after that (e.g. the process died) another takes it over.
    /// Must exceed one attempt with its HTTP retries.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Attempts (worker cycles, each with its HTTP retries) before a delivery is dead-lettered.</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>The delay before the second attempt; it doubles per attempt (with jitter) up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Timeout of one HTTP request to a connected system.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>HTTP retries within one attempt (exponential backoff with jitter from <see cref="HttpRetryDelay"/>).</summary>
    public int HttpRetries { get; set; } = 2;

    public TimeSpan HttpRetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The circuit breaker of each connected system (keyed by its URL authority): it opens when this share of the
    /// requests within <see cref="BreakerSamplingDuration"/> (at least <see cref="BreakerMinimumThroughput"/>) failed.</summary>
    public double BreakerFailureRatio { get; set; } = 0.5;

    public int BreakerMinimumThroughput { get; set; } = 5;

    public TimeSpan BreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an open circuit rejects requests before one probe may pass.</summary>
    public TimeSpan BreakerBreakDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The purpose of use a client's consent must allow for a push (v3-ActReason code, or system|code).</summary>
    public string PurposeOfUse { get; set; } = "CAREMGT";

    /// <summary>This server's FHIR base: the value of the identifier FhirBridge gives pushed resources is <c>{SourceBaseUrl}/{type}/{id}</c>.</summary>
    public string SourceBaseUrl { get; set; } = "http://localhost:8080/fhir";
}
