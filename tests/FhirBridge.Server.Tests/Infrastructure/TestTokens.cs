using FhirBridge.Core.Security;
using Microsoft.IdentityModel.Tokens;

namespace FhirBridge.Server.Tests.Infrastructure;

/// <summary>Bearer tokens the test servers accept (signed with the configured test key) and helpers to mint broken ones.</summary>
public static class TestTokens
{
    public const string Issuer = "https://idp.test/fhirbridge";

    public const string Audience = "fhirbridge-tests";

    public const string KeyId = "test-key";

    /// <summary>The default caller's organisation, a system integration of "Testikunta".</summary>
    public const string Organization = "1.2.246.10.12345678";

    /// <summary>A Terhikki number of a test professional.</summary>
    public const string Professional = "urn:oid:1.2.246.537.26|10009901";

    /// <summary>The test signing key, as configured in <see cref="FhirServerFactory.BaseSettings"/>.</summary>
    public static readonly string KeyBase64 = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());

    public static SymmetricSecurityKey Key { get; } = new(Convert.FromBase64String(KeyBase64)) { KeyId = KeyId };

    /// <summary>What the default test clients send: a system integration with <c>system/*.cruds</c>.</summary>
    public static string System { get; } = For(CallerRole.SystemIntegration, clientId: "test-ehr");

    /// <summary>An administrator of the test organisation: directory and configuration data, e.g. connected systems.</summary>
    public static string Administrator { get; } = For(CallerRole.Administrator, user: "urn:oid:1.2.246.537.26|900000001", scope: "user/*.cruds");

    /// <summary>A valid token for any caller.</summary>
    public static string For(
        CallerRole role, string organization = Organization, string? user = null, string? scope = null, string? name = null, string? clientId = null) =>
        Sign(new CallerToken(role, organization, user, scope, name, clientId).ToClaims());

    /// <summary>A token with exactly <paramref name="claims"/>; the other arguments default to what the test servers accept.</summary>
    public static string Sign(
        IDictionary<string, object> claims,
        SecurityKey? key = null,
        string issuer = Issuer,
        string audience = Audience,
        DateTimeOffset? issuedAt = null,
        TimeSpan? lifetime = null) =>
        CallerToken.Sign(claims, key ?? Key, issuer, audience, issuedAt ?? DateTimeOffset.UtcNow, lifetime ?? TimeSpan.FromHours(1));
}
