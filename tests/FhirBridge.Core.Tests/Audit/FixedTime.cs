namespace FhirBridge.Core.Tests.Audit;

/// <summary>A clock that shows one instant until it is moved.</summary>
internal sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
