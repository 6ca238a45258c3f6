using FhirBridge.Core.Security;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace FhirBridge.Server.Security;

/// <summary>
/// Applies <see cref="AuthOptions"/> to the JWT bearer handler: issuer, audience, lifetime and signature are all checked.
/// In the Development environment the development key, issuer and audience are trusted too.
/// </summary>
internal sealed class JwtBearerSetup(IOptions<AuthOptions> auth, IHostEnvironment environment) : IConfigureNamedOptions<JwtBearerOptions>
{
    /// <summary>Tolerated difference between the issuer's clock and ours.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);

    public void Configure(string? name, JwtBearerOptions options)
    {
        if (name == JwtBearerDefaults.AuthenticationScheme)
        {
            Configure(options);
        }
    }

    public void Configure(JwtBearerOptions options)
    {
        var settings = auth.Value;
        var keys = settings.SigningKeys.Select(SigningKeys.Parse).ToList();
        var issuers = new List<string>();
        var audiences = new List<string>();
        AddIfSet(issuers, settings.Issuer);
        AddIfSet(audiences, settings.Audience);
        if (environment.IsDevelopment())
        {
            keys.Add(DevelopmentSigningKey.LoadOrCreate(settings.DevelopmentKeyFile ?? DevelopmentSigningKey.DefaultFile).Key);
            issuers.Add(DevelopmentSigningKey.Issuer);
            audiences.Add(DevelopmentSigningKey.Audience);
        }

        options.Authority = settings.Authority;
        options.MapInboundClaims = false; // keep sub, scope and FhirBridge's claims under their JWT names
        options.TokenValidationParameters = new TokenValidationParameters
        {
            ValidateIssuer = true,
            ValidIssuers = issuers,
            ValidateAudience = true,
            ValidAudiences = audiences,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            ClockSkew = ClockSkew,
            ValidateIssuerSigningKey = true,
            RequireSignedTokens = true,
            IssuerSigningKeys = keys,
            NameClaimType = "name",
        };
    }

    private static void AddIfSet(List<string> values, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            values.Add(value);
        }
    }
}
