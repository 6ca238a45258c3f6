namespace FhirBridge.Server.Configuration;

/// <summary>HTTP-level limits and paging defaults of the FHIR API (configuration section "FhirServer").</summary>
public sealed class FhirServerOptions
{
    public const string Section = "FhirServer";

    /// <summary>Largest accepted request body in bytes; larger bodies get 413.</summary>
    public long MaxBodyBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>Page size of searches and histories without _count.</summary>
    public int DefaultPageSize { get; set; } = 20;

    /// <summary>Upper bound a client's _count is clamped to.</summary>
    public int MaxPageSize { get; set; } = 1000;

    /// <summary>Maps GET /bench/noop (204) as the benchmark's HTTP baseline.</summary>
    public bool BenchmarkNoopEndpoint { get; set; }
}
