using FhirBridge.Core.Security;
using Microsoft.IdentityModel.Tokens;

namespace FhirBridge.Bench;

/// <summary>
/// The bench caller: a system integration (scope <c>system/*.cruds</c>) of the given organisation, with a bearer token
/// signed by the run's HS256 key, so that the server checks it like any client's.
/// </summary>
internal sealed record BenchAuth(string KeyFile, string KeyId, string Issuer, string Audience, string Organization)
{
    // The run lasts minutes; the token only has to outlive it.
    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(2);

    /// <summary>Reads `--key-file` (a base64 key) with `--key-id`, `--issuer`, `--audience` and `--organization`; null without `--key-file`.</summary>
    public static BenchAuth? Parse(IReadOnlyDictionary<string, string> args) =>
        args.TryGetValue("key-file", out var keyFile)
            ? new BenchAuth(
                keyFile,
                BenchOptions.Require(args, "key-id"),
                BenchOptions.Require(args, "issuer"),
                BenchOptions.Require(args, "audience"),
                BenchOptions.Require(args, "organization"))
            : null;

    public string MintToken()
    {
        var key = new SymmetricSecurityKey(Convert.FromBase64String(File.ReadAllText(KeyFile).Trim())) { KeyId = KeyId };
        var claims = new CallerToken(CallerRole.SystemIntegration, Organization, ClientId: "fhirbridge-bench").ToClaims();
        return CallerToken.Sign(claims, key, Issuer, Audience, DateTimeOffset.UtcNow, Lifetime);
    }
}
