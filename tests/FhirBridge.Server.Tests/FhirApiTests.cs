using FhirBridge.Server.Tests.Infrastructure;
using Hl7.Fhir.Rest;

namespace FhirBridge.Server.Tests;

/// <summary>
/// The HTTP API suite. It runs once per database (see the concrete subclasses); each test makes its own data
/// with unique identifiers, so tests sharing a server are independent of each other and of their order.
/// </summary>
public abstract partial class FhirApiTests(FhirServerFactory factory)
{
    protected FhirServerFactory Factory { get; } = factory;

    protected HttpClient Http { get; } = factory.CreateClient();

    protected FhirClient Client { get; } = factory.CreateFhirClient();
}
