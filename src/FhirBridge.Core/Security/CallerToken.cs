using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace FhirBridge.Core.Security;

/// <summary>The claims of a caller's bearer token as FhirBridge issues them (<c>fhirbridge token</c>, tests) and reads them.</summary>
/// <param name="Role">The caller's role.</param>
/// <param name="Organization">The organisation OID, bare or with "urn:oid:".</param>
/// <param name="User">The person as "system|value"; required for professionals.</param>
/// <param name="Scope">Space-separated SMART scopes; null for the role's <see cref="DefaultScope"/>.</param>
/// <param name="Name">A display name.</param>
/// <param name="ClientId">The client application.</param>
public sealed record CallerToken(
    CallerRole Role,
    string Organization,
    string? User = null,
    string? Scope = null,
    string? Name = null,
    string? ClientId = null)
{
    /// <summary>The scope a role gets when none is asked for.</summary>
    public static string DefaultScope(CallerRole role) => role switch
    {
        CallerRole.SystemIntegration => "system/*.cruds",
        CallerRole.ComplianceOfficer => "user/AuditEvent.rs",
        _ => "user/*.cruds",
    };

    /// <summary>True for a "system|value" identifier with both parts present.</summary>
    public static bool IsUserIdentifier(string? user) =>
        user?.Split('|') is [{ Length: > 0 } system, { Length: > 0 } value] && system.Trim() == system && value.Trim() == value;

    /// <summary>The token's claims: <c>sub</c> is the user, or else the client, or else the organisation.</summary>
    public Dictionary<string, object> ToClaims()
    {
        var claims = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            [JwtRegisteredClaimNames.Sub] = User ?? ClientId ?? Organization,
            [Caller.Claims.Role] = Role.ToText(),
            [Caller.Claims.Organization] = Organization,
            ["scope"] = Scope ?? DefaultScope(Role),
        };
        Add(claims, Caller.Claims.User, User);
        Add(claims, "name", Name);
        Add(claims, "client_id", ClientId);
        return claims;
    }

    /// <summary>A signed JWT carrying <paramref name="claims"/>, valid from <paramref name="issuedAt"/> for <paramref name="lifetime"/>.</summary>
    public static string Sign(
        IDictionary<string, object> claims, SecurityKey key, string issuer, string audience, DateTimeOffset issuedAt, TimeSpan lifetime)
    {
        var algorithm = key switch
        {
            SymmetricSecurityKey => SecurityAlgorithms.HmacSha256,
            ECDsaSecurityKey => SecurityAlgorithms.EcdsaSha256,
            _ => SecurityAlgorithms.RsaSha256,
        };
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = issuedAt.UtcDateTime,
            NotBefore = issuedAt.UtcDateTime,
            Expires = (issuedAt + lifetime).UtcDateTime,
            Claims = claims,
            SigningCredentials = new SigningCredentials(key, algorithm),
        });
    }

    private static void Add(Dictionary<string, object> claims, string name, string? value)
    {
        if (value is not null)
        {
            claims[name] = value;
        }
    }
}
