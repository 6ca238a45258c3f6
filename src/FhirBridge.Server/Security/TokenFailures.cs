using Microsoft.IdentityModel.Tokens;

namespace FhirBridge.Server.Security;

/// <summary>Says in words why the JWT bearer handler rejected a token.</summary>
internal static class TokenFailures
{
    public static string Describe(Exception? failure) => Unwrap(failure) switch
    {
        SecurityTokenExpiredException e => $"The bearer token expired at {e.Expires:yyyy-MM-ddTHH:mm:ssZ}.",
        SecurityTokenNotYetValidException e => $"The bearer token is not valid before {e.NotBefore:yyyy-MM-ddTHH:mm:ssZ}.",
        SecurityTokenNoExpirationException => "The bearer token has no expiry time (exp).",
        SecurityTokenInvalidAudienceException e => $"The bearer token's audience '{e.InvalidAudience}' is not this server's.",
        SecurityTokenInvalidIssuerException e => $"The bearer token's issuer '{e.InvalidIssuer}' is not trusted.",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException =>
            "The bearer token's signature does not verify with any key this server trusts.",
        SecurityTokenMalformedException => "The bearer token is not a well-formed JWT.",
        _ => "The bearer token is not valid.",
    };

    private static Exception? Unwrap(Exception? failure) =>
        failure is AggregateException { InnerExceptions: [var only] } ? only : failure;
}
