using Hl7.Fhir.Model;

namespace FhirBridge.Fakes;

/// <summary>What a write did to the fake's store.</summary>
public enum WriteOutcome
{
    /// <summary>A new resource (201).</summary>
    Created,

    /// <summary>A newer version replaced the stored one (200).</summary>
    Updated,

    /// <summary>The same version again, e.g. a retry: accepted (200) but nothing changed.</summary>
    Unchanged,

    /// <summary>Older than the stored version, or an <c>If-Match</c> mismatch: rejected (409/412), nothing changed.</summary>
    Rejected,
}

/// <summary>One write the fake received over HTTP, in arrival order (<see cref="Sequence"/> starts at 1).</summary>
public sealed record ReceivedVersion(
    long Sequence,
    DateTimeOffset ArrivedAt,
    string Method,
    string ResourceType,
    string Id,
    string? VersionId,
    WriteOutcome Outcome,
    Resource Resource)
{
    /// <summary>True when the write changed the stored state (created or updated).</summary>
    public bool InEffect => Outcome is WriteOutcome.Created or WriteOutcome.Updated;
}
