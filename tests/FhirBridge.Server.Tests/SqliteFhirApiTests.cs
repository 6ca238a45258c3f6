using FhirBridge.Server.Tests.Infrastructure;

namespace FhirBridge.Server.Tests;

/// <summary>The HTTP API suite against the embedded SQLite store.</summary>
public sealed class SqliteFhirApiTests(SqliteFhirServer server) : FhirApiTests(server.Factory), IClassFixture<SqliteFhirServer>;
