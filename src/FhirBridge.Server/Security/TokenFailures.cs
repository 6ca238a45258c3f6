using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace FhirBridge.Server.Security;

/// <summary>Says in words why the JWT bearer handler rejected a token.</summary>
internal static class TokenFailures
{
    public static string Describe(Exception? failure, string authorization) => Unwrap(failure) switch
    {
        SecurityTokenExpiredException e => $"The bearer token expired at {e.Expires:yyyy-MM-ddTHH:mm:ssZ}.",
        SecurityTokenNotYetValidException e => $"The bearer token is not valid before {e.NotBefore:yyyy-MM-ddTHH:mm:ssZ}.",
        SecurityTokenNoExpirationException => "The bearer token has no expiry time (exp).",
        SecurityTokenInvalidAudienceException => $"The bearer token's audience '{Audiences(authorization)}' is not this server's.",
        SecurityTokenInvalidIssuerException e => $"The bearer token's issuer '{e.InvalidIssuer}' is not trusted.",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException =>
            "The bearer token's signature does not verify with any key this server trusts.",
        SecurityTokenMalformedException => "The bearer token is not a well-formed JWT.",
        _ => "The bearer token is not valid.",
    };

    // The handler keeps the rejected audience out of its exception, so it is read from the token, which parsed by then.
    private static string Audiences(string authorization)
    {
        var token = authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization[7..].Trim() : authorization;
        return new JsonWebTokenHandler().CanReadToken(token) ? string.Join(' ', new JsonWebToken(token).Audiences) : "";
    }

    private static Exception? Unwrap(Exception? failure) =>
        failure is AggregateException { InnerExceptions: [var only] } ? only : failure;
}
