using FhirBridge.Core.Errors;
using FhirBridge.Server.Http;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace FhirBridge.Server.Security;

/// <summary>
/// Authenticates every request under /fhir except the anonymous capability statement (GET /fhir/metadata) and makes its
/// <see cref="Core.Security.Caller"/> available through <see cref="CallerHttpContext.Caller"/>; anything else is a 401.
/// </summary>
internal sealed class CallerMiddleware(RequestDelegate next, IOptions<CallerAddressOptions> address)
{
    private const string InvalidToken = "Bearer error=\"invalid_token\"";

    public async Task InvokeAsync(HttpContext http)
    {
        if (NeedsCaller(http.Request))
        {
            var result = await http.AuthenticateAsync(JwtBearerDefaults.AuthenticationScheme);
            if (!result.Succeeded)
            {
                throw Challenge(http, result);
            }

            try
            {
                http.Features.Set(CallerReader.Read(result.Principal, http, address.Value.RecordCallerAddress));
            }
            catch (UnauthorizedException)
            {
                http.Response.Headers.WWWAuthenticate = InvalidToken;
                throw;
            }
        }

        await next(http);
    }

    // The capability statement is how a client discovers the server, so it needs no token (https://hl7.org/fhir/R4/http.html#capabilities).
    private static bool NeedsCaller(HttpRequest request) =>
        request.Path.StartsWithSegments(FhirHttpContext.BasePath, out var rest)
        && !(rest.Equals("/metadata", StringComparison.Ordinal) && (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)));

    // RFC 6750 §3: a request without a token gets a bare challenge, a rejected token error="invalid_token".
    private static UnauthorizedException Challenge(HttpContext http, AuthenticateResult result)
    {
        if (result.None)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return new UnauthorizedException(http.Request.Headers.Authorization.Count == 0
                ? "The request has no bearer token: send 'Authorization: Bearer <token>'."
                : "The Authorization header does not carry a bearer token: send 'Authorization: Bearer <token>'.");
        }

        http.Response.Headers.WWWAuthenticate = InvalidToken;
        return new UnauthorizedException(TokenFailures.Describe(result.Failure, http.Request.Headers.Authorization.ToString()));
    }
}
