using FhirBridge.Server.Tests.Infrastructure;

namespace FhirBridge.Server.Tests;

/// <summary>The HTTP API suite against PostgreSQL.</summary>
public sealed class PostgresFhirApiTests(PostgresFhirServer server) : FhirApiTests(server.Factory), IClassFixture<PostgresFhirServer>;
