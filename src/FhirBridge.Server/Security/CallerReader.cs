using System.Net;
using System.Security.Claims;
using System.Text.RegularExpressions;
using FhirBridge.Core.Errors;
using FhirBridge.Core.Fhir;
using FhirBridge.Core.Security;
using Microsoft.IdentityModel.JsonWebTokens;

namespace FhirBridge.Server.Security;

/// <summary>Builds the <see cref="Caller"/> from a validated token's claims and the request's headers.</summary>
internal static partial class CallerReader
{
    public const string RequestIdHeader = "X-Request-Id";

    private const int MaxBreakGlassReason = 500;

    public static Caller Read(ClaimsPrincipal token, HttpContext http, bool recordAddress)
    {
        var subject = Single(token, JwtRegisteredClaimNames.Sub) ?? throw Missing("sub (the subject)");
        var organizationClaim = Single(token, Caller.Claims.Organization) ?? throw Missing($"{Caller.Claims.Organization} (the organisation OID)");
        var organization = Oids.Normalize(organizationClaim)
            ?? throw new UnauthorizedException($"The bearer token's {Caller.Claims.Organization} '{organizationClaim}' is not an OID.");
        var roleClaim = Single(token, Caller.Claims.Role) ?? throw Missing($"{Caller.Claims.Role} (the role)");
        if (!CallerRoles.TryParse(roleClaim, out var role))
        {
            throw new UnauthorizedException(
                $"The bearer token's {Caller.Claims.Role} '{roleClaim}' is not a known role (one of: {string.Join(", ", CallerRoles.All)}).");
        }

        var user = Single(token, Caller.Claims.User);
        if (user is null && role.IsClinical())
        {
            throw new UnauthorizedException($"The bearer token of a {role.ToText()} has no {Caller.Claims.User} claim (the person as system|value).");
        }

        if (user is not null && !CallerToken.IsUserIdentifier(user))
        {
            throw new UnauthorizedException($"The bearer token's {Caller.Claims.User} '{user}' is not of the form system|value.");
        }

        return new Caller(
            subject,
            user,
            organization,
            role,
            ScopeSet.Parse(string.Join(' ', token.FindAll("scope").Select(c => c.Value))),
            Single(token, "client_id") ?? Single(token, "azp"),
            Single(token, "name"),
            BreakGlassReason(http.Request),
            RequestId(http),
            recordAddress ? http.Connection.RemoteIpAddress?.ToString() : null,
            PurposeOfUse(http.Request));
    }

    private static string? Single(ClaimsPrincipal token, string type)
    {
        var values = token.FindAll(type).Select(c => c.Value).Where(v => !string.IsNullOrWhiteSpace(v)).Distinct(StringComparer.Ordinal).ToList();
        return values switch
        {
            [] => null,
            [var one] => one,
            _ => throw new UnauthorizedException($"The bearer token has several {type} claims; FhirBridge needs exactly one."),
        };
    }

    private static UnauthorizedException Missing(string claim) => new($"The bearer token has no {claim} claim.");

    // A code or system|code: printable, no spaces, short enough to log.
    private static string? PurposeOfUse(HttpRequest request)
    {
        var value = request.Headers[Caller.PurposeOfUseHeader].ToString().Trim();
        if (value.Length == 0)
        {
            return null;
        }

        return value.Length <= 200 && value.All(c => c > ' ' && c < 127)
            ? value
            : throw new BadRequestException($"The {Caller.PurposeOfUseHeader} header must be a purpose-of-use code or system|code (printable, no spaces, at most 200 characters).");
    }

    private static string? BreakGlassReason(HttpRequest request)
    {
        if (!request.Headers.TryGetValue(Caller.BreakGlassHeader, out var values))
        {
            return null;
        }

        // HTTP header values are ASCII: a reason in Finnish arrives percent-encoded UTF-8 ("p%C3%A4ivystys").
        var reason = Uri.UnescapeDataString(values.ToString()).Trim();
        return reason.Length switch
        {
            0 => throw new BadRequestException($"The {Caller.BreakGlassHeader} header is empty: state the reason of the exceptional access."),
            > MaxBreakGlassReason => throw new BadRequestException($"The {Caller.BreakGlassHeader} header is longer than {MaxBreakGlassReason} characters."),
            _ => reason,
        };
    }

    private static string RequestId(HttpContext http)
    {
        var given = http.Request.Headers[RequestIdHeader].ToString();
        return SafeRequestId().IsMatch(given) ? given : http.TraceIdentifier;
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex SafeRequestId();
}
