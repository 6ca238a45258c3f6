using System.Net;
using System.Security.Cryptography;
using FhirBridge.Core.Security;
using FhirBridge.Server.Tests.Infrastructure;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Task = System.Threading.Tasks.Task;

namespace FhirBridge.Server.Tests;

/// <summary>Bearer-token authentication under /fhir: what is rejected with 401 and why, and what stays anonymous.</summary>
public sealed class AuthenticationTests(SqliteFhirServer server) : IClassFixture<SqliteFhirServer>
{
    private FhirServerFactory Factory => server.Factory;

    [Fact]
    public async Task Request_without_token_gets_401_with_a_bare_bearer_challenge()
    {
        var response = await Factory.CreateAnonymousClient().GetAsync("/fhir/Patient");

        var outcome = await FhirTest.AssertOutcomeAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal(OperationOutcome.IssueType.Login, outcome.Issue[0].Code);
        Assert.Contains("no bearer token", outcome.Issue[0].Diagnostics, StringComparison.Ordinal);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task Unknown_path_without_token_is_401_not_404()
    {
        var response = await Factory.CreateAnonymousClient().GetAsync("/fhir/NoSuchType/1");

        await FhirTest.AssertOutcomeAsync(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Basic_authorization_is_not_a_bearer_token()
    {
        var client = Factory.CreateAnonymousClient();
        client.DefaultRequestHeaders.Authorization = new("Basic", "dXNlcjpwYXNz");

        var response = await client.GetAsync("/fhir/Patient");

        var outcome = await FhirTest.AssertOutcomeAsync(response, HttpStatusCode.Unauthorized);
        Assert.Contains("does not carry a bearer token", outcome.Issue[0].Diagnostics, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> RejectedTokens() => new()
    {
        { "expired", "expired at" },
        { "wrong-audience", "audience 'someone-else' is not this server's" },
        { "wrong-issuer", "issuer 'https://other.test' is not trusted" },
        { "bad-signature", "signature does not verify" },
        { "not-a-jwt", "not a well-formed JWT" },
        { "no-org", "no fhirbridge_org (the organisation OID) claim" },
        { "org-not-oid", "fhirbridge_org 'Testikunta' is not an OID" },
        { "no-role", "no fhirbridge_role (the role) claim" },
        { "unknown-role", "fhirbridge_role 'nurse' is not a known role" },
        { "professional-without-user", "professional has no fhirbridge_user claim" },
        { "user-not-system-value", "fhirbridge_user '10009901' is not of the form system|value" },
    };

    [Theory]
    [MemberData(nameof(RejectedTokens))]
    public async Task Invalid_token_gets_401_naming_the_problem(string token, string problem)
    {
        var response = await Factory.CreateClient(Token(token)).GetAsync("/fhir/Patient");

        var outcome = await FhirTest.AssertOutcomeAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal(OperationOutcome.IssueType.Login, outcome.Issue[0].Code);
        Assert.Contains(problem, outcome.Issue[0].Diagnostics, StringComparison.Ordinal);
        Assert.Equal("Bearer error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task Capability_statement_is_anonymous()
    {
        var response = await Factory.CreateAnonymousClient().GetAsync("/fhir/metadata");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await FhirTest.ReadAsync<CapabilityStatement>(response);
    }

    [Fact]
    public async Task Swagger_document_is_anonymous()
    {
        var response = await Factory.CreateAnonymousClient().GetAsync("/swagger/v1/swagger.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Default_test_client_is_a_system_integration_that_can_write_and_read()
    {
        var client = Factory.CreateFhirClient();

        var created = await client.CreateAsync(FhirTest.Patient("Auth"));
        var read = await client.ReadAsync<Patient>($"Patient/{created!.Id}");

        Assert.Equal(created.Id, read!.Id);
    }

    [Fact]
    public async Task Caller_is_mapped_from_the_token_claims()
    {
        var token = TestTokens.For(
            CallerRole.Professional, "urn:oid:1.2.246.10.12345678", TestTokens.Professional, "user/Patient.rs user/CarePlan.cruds", "Hoitaja Testi", "test-app");

        var caller = await CallerOfAsync(Factory, token);

        Assert.Equal(TestTokens.Professional, caller.Subject);
        Assert.Equal(TestTokens.Professional, caller.User);
        Assert.Equal("1.2.246.10.12345678", caller.Organization);
        Assert.Equal(CallerRole.Professional, caller.Role);
        Assert.Equal(["user/Patient.rs", "user/CarePlan.cruds"], caller.Scopes.Granted);
        Assert.True(caller.Scopes.Allows("CarePlan", ScopeAction.Update));
        Assert.False(caller.Scopes.Allows("Patient", ScopeAction.Update));
        Assert.Equal("test-app", caller.ClientId);
        Assert.Equal("Hoitaja Testi", caller.Name);
        Assert.Null(caller.BreakGlassReason);
        Assert.Null(caller.Address);
    }

    [Fact]
    public async Task Authorized_party_is_the_client_when_there_is_no_client_id()
    {
        var claims = new CallerToken(CallerRole.SystemIntegration, TestTokens.Organization).ToClaims();
        claims["azp"] = "ehr-azp";

        var caller = await CallerOfAsync(Factory, TestTokens.Sign(claims));

        Assert.Equal("ehr-azp", caller.ClientId);
        Assert.Null(caller.User);
    }

    [Fact]
    public async Task Break_glass_reason_is_taken_trimmed_from_its_header()
    {
        // Header values are ASCII on the wire: Finnish letters travel percent-encoded as UTF-8.
        var caller = await CallerOfAsync(Factory, TestTokens.System, (Caller.BreakGlassHeader, "  Tajuton potilas p%C3%A4ivystyksess%C3%A4  "));

        Assert.Equal("Tajuton potilas päivystyksessä", caller.BreakGlassReason);
    }

    [Theory]
    [InlineData("   ", "is empty")]
    [InlineData(null, "longer than 500 characters")]
    public async Task Break_glass_header_empty_or_too_long_is_400(string? reason, string problem)
    {
        var client = Factory.CreateClient();
        client.DefaultRequestHeaders.Add(Caller.BreakGlassHeader, reason ?? new string('x', 501));

        var response = await client.GetAsync("/fhir/Patient");

        var outcome = await FhirTest.AssertOutcomeAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains(problem, outcome.Issue[0].Diagnostics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Safe_request_id_header_becomes_the_request_id()
    {
        var caller = await CallerOfAsync(Factory, TestTokens.System, ("X-Request-Id", "req-2026.11_A"));

        Assert.Equal("req-2026.11_A", caller.RequestId);
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("semi;colon")]
    [InlineData("0123456789012345678901234567890123456789012345678901234567890123456789")]
    public async Task Unsafe_request_id_header_is_replaced_by_the_trace_identifier(string given)
    {
        var caller = await CallerOfAsync(Factory, TestTokens.System, ("X-Request-Id", given));

        Assert.NotEqual(given, caller.RequestId);
        Assert.False(string.IsNullOrWhiteSpace(caller.RequestId));
    }

    [Fact]
    public async Task Caller_address_is_recorded_only_when_configured()
    {
        var recording = SqliteFhirServer.With(new Dictionary<string, string?> { ["AccessLog:RecordCallerAddress"] = "true" });
        try
        {
            var caller = await CallerOfAsync(recording.Factory, TestTokens.System);

            // The test server listens on loopback: the caller's real address.
            Assert.Equal("127.0.0.1", caller.Address);
        }
        finally
        {
            await recording.DisposeAsync();
        }
    }

    [Fact]
    public async Task Development_key_token_is_accepted_in_Development_and_rejected_in_Production()
    {
        var developmentKey = DevelopmentSigningKey.LoadOrCreate(FhirServerFactory.DevelopmentKeyFile).Key;
        var devToken = TestTokens.Sign(new CallerToken(CallerRole.SystemIntegration, TestTokens.Organization).ToClaims(), developmentKey);
        var withDevDefaults = TestTokens.Sign(
            new CallerToken(CallerRole.SystemIntegration, TestTokens.Organization).ToClaims(), developmentKey, DevelopmentSigningKey.Issuer, DevelopmentSigningKey.Audience);
        var production = SqliteFhirServer.With(new Dictionary<string, string?> { ["environment"] = "Production" });
        try
        {
            Assert.Equal(HttpStatusCode.OK, (await Factory.CreateClient(devToken).GetAsync("/fhir/Patient")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await Factory.CreateClient(withDevDefaults).GetAsync("/fhir/Patient")).StatusCode);

            var rejected = await production.Factory.CreateClient(devToken).GetAsync("/fhir/Patient");
            var outcome = await FhirTest.AssertOutcomeAsync(rejected, HttpStatusCode.Unauthorized);
            Assert.Contains("signature does not verify", outcome.Issue[0].Diagnostics, StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.OK, (await production.Factory.CreateClient().GetAsync("/fhir/Patient")).StatusCode);
        }
        finally
        {
            await production.DisposeAsync();
        }
    }

    [Fact]
    public async Task Rsa_public_key_from_configuration_verifies_RS256_tokens()
    {
        using var rsa = RSA.Create(2048);
        var server = SqliteFhirServer.With(new Dictionary<string, string?>
        {
            ["Auth:SigningKeys:1:Id"] = "rsa-1",
            ["Auth:SigningKeys:1:PublicKeyPem"] = rsa.ExportSubjectPublicKeyInfoPem(),
        });
        try
        {
            var token = TestTokens.Sign(new CallerToken(CallerRole.SystemIntegration, TestTokens.Organization).ToClaims(), new RsaSecurityKey(rsa) { KeyId = "rsa-1" });

            var response = await server.Factory.CreateClient(token).GetAsync("/fhir/Patient");

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task Production_without_keys_or_authority_does_not_start()
    {
        var settings = FhirServerFactory.BaseSettings();
        settings.Remove("Auth:SigningKeys:0:Id");
        settings.Remove("Auth:SigningKeys:0:Key");
        settings["environment"] = "Production";
        await using var factory = new FhirServerFactory(settings);

        var error = Assert.Throws<OptionsValidationException>(() => factory.CreateClient());

        Assert.Contains("configure Auth:SigningKeys", error.Message, StringComparison.Ordinal);
        Assert.Contains("Auth:Authority", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not base64!", "Auth:SigningKeys:0:Key is not base64")]
    [InlineData("c2hvcnQ=", "Auth:SigningKeys:0:Key has 5 bytes")]
    public async Task Bad_signing_key_does_not_start(string key, string problem)
    {
        var settings = FhirServerFactory.BaseSettings();
        settings["Auth:SigningKeys:0:Key"] = key;
        await using var factory = new FhirServerFactory(settings);

        var error = Assert.Throws<OptionsValidationException>(() => factory.CreateClient());

        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    /// <summary>The caller the server made of <paramref name="token"/> (and <paramref name="headers"/>) on a search.</summary>
    internal static async Task<Caller> CallerOfAsync(FhirServerFactory factory, string token, params (string Name, string Value)[] headers)
    {
        var key = FhirTest.Unique();
        var client = factory.CreateClient(token);
        client.DefaultRequestHeaders.Add(CallerRecorder.Header, key);
        foreach (var (name, value) in headers)
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation(name, value);
        }

        var response = await client.GetAsync("/fhir/Patient?_count=1");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return factory.Callers.Of(key);
    }

    private static string Token(string kind)
    {
        var system = new CallerToken(CallerRole.SystemIntegration, TestTokens.Organization).ToClaims();
        return kind switch
        {
            "expired" => TestTokens.Sign(system, issuedAt: DateTimeOffset.UtcNow.AddHours(-2), lifetime: TimeSpan.FromHours(1)),
            "wrong-audience" => TestTokens.Sign(system, audience: "someone-else"),
            "wrong-issuer" => TestTokens.Sign(system, issuer: "https://other.test"),
            "bad-signature" => TestTokens.Sign(system, new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32)) { KeyId = TestTokens.KeyId }),
            "not-a-jwt" => "not-a-jwt",
            "no-org" => TestTokens.Sign(Without(system, Caller.Claims.Organization)),
            "org-not-oid" => TestTokens.Sign(With(system, Caller.Claims.Organization, "Testikunta")),
            "no-role" => TestTokens.Sign(Without(system, Caller.Claims.Role)),
            "unknown-role" => TestTokens.Sign(With(system, Caller.Claims.Role, "nurse")),
            "professional-without-user" => TestTokens.Sign(With(system, Caller.Claims.Role, "professional")),
            "user-not-system-value" => TestTokens.Sign(With(With(system, Caller.Claims.Role, "professional"), Caller.Claims.User, "10009901")),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
    }

    private static Dictionary<string, object> Without(Dictionary<string, object> claims, string name)
    {
        var copy = new Dictionary<string, object>(claims);
        copy.Remove(name);
        return copy;
    }

    private static Dictionary<string, object> With(Dictionary<string, object> claims, string name, string value) =>
        new(claims) { [name] = value };
}
