using System.Globalization;
using FhirBridge.Core.Fhir;
using FhirBridge.Core.Security;

namespace FhirBridge.Cli;

/// <summary><c>fhirbridge token</c>: mints a bearer token signed with the development key, for a server in Development.</summary>
public sealed class TokenCommand : ICommand
{
    private const string RoleOption = "role";
    private const string OrgOption = "org";
    private const string UserOption = "user";
    private const string ScopeOption = "scope";
    private const string NameOption = "name";
    private const string ClientIdOption = "client-id";
    private const string LifetimeOption = "lifetime";
    private const string KeyFileOption = "key-file";
    private const string IssuerOption = "issuer";
    private const string AudienceOption = "audience";

    private const string DefaultClientId = "fhirbridge-cli";

    private static readonly TimeSpan DefaultLifetime = TimeSpan.FromHours(8);

    private static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(365);

    public string Name => "token";

    public string Summary => "Print a development bearer token for a local server.";

    public string Help => $"""
        Usage: fhirbridge token --role <role> --org <oid> [--user system|value] [--scope "..."] [--name NAME]
                                [--client-id ID] [--lifetime 8h] [--key-file FILE] [--issuer ISS] [--audience AUD]

        Prints a JWT signed with the development key, which only a server running in the Development environment
        trusts. The key file is created when it does not exist.

        Options:
          --role ROLE       {string.Join(", ", CallerRoles.All)}.
          --org OID         The caller's organisation, e.g. 1.2.246.10.12345678 (a urn:oid: prefix is accepted).
          --user ID         The person as system|value, e.g. urn:oid:1.2.246.537.26|10009901 (required for
                            professional and responsible-worker).
          --scope SCOPES    Space-separated SMART scopes (default: system/*.cruds for system, user/AuditEvent.rs for
                            compliance-officer, user/*.cruds otherwise).
          --name NAME       A display name for the logs.
          --client-id ID    The client application (default: {DefaultClientId}).
          --lifetime TIME   How long the token is valid: a number with s, m, h or d (default: 8h).
          --key-file FILE   The development key file (default: {DevelopmentSigningKey.DefaultFile}).
          --issuer ISS      The token's issuer (default: {DevelopmentSigningKey.Issuer}).
          --audience AUD    The token's audience (default: {DevelopmentSigningKey.Audience}).

        Example: curl -H "Authorization: Bearer $(fhirbridge token --role system --org 1.2.246.10.12345678)" \
                      http://localhost:8080/fhir/Patient

        Exit codes: 0 printed, 2 usage error or unreadable key file.

        """;

    public IReadOnlySet<string> Options { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        RoleOption, OrgOption, UserOption, ScopeOption, NameOption, ClientIdOption, LifetimeOption, KeyFileOption, IssuerOption, AudienceOption,
    };

    public IReadOnlySet<string> Flags { get; } = new HashSet<string>(StringComparer.Ordinal);

    public int Run(Arguments arguments, TextWriter output, TextWriter error)
    {
        if (arguments.Positional.Count > 0)
        {
            throw new UsageException($"unexpected argument '{arguments.Positional[0]}'.");
        }

        var request = Request(arguments);
        var lifetime = Lifetime(arguments.Single(LifetimeOption));
        output.WriteLine(Mint(request, arguments.Single(KeyFileOption), arguments.Single(IssuerOption), arguments.Single(AudienceOption), lifetime));
        return ExitCodes.Ok;
    }

    /// <summary>A token for <paramref name="request"/> signed with the development key in <paramref name="keyFile"/> (default file when null).</summary>
    internal static string Mint(CallerToken request, string? keyFile, string? issuer, string? audience, TimeSpan lifetime)
    {
        DevelopmentSigningKey key;
        keyFile ??= DevelopmentSigningKey.DefaultFile;
        try
        {
            key = DevelopmentSigningKey.LoadOrCreate(keyFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            throw new UsageException($"cannot use the key file {keyFile}: {e.Message}");
        }

        return CallerToken.Sign(
            request.ToClaims(), key.Key, issuer ?? DevelopmentSigningKey.Issuer, audience ?? DevelopmentSigningKey.Audience, DateTimeOffset.UtcNow, lifetime);
    }

    private static CallerToken Request(Arguments arguments)
    {
        var roleText = arguments.Single(RoleOption) ?? throw new UsageException($"--{RoleOption} is required.");
        if (!CallerRoles.TryParse(roleText, out var role))
        {
            throw new UsageException($"unknown role '{roleText}' (one of: {string.Join(", ", CallerRoles.All)}).");
        }

        var orgText = arguments.Single(OrgOption) ?? throw new UsageException($"--{OrgOption} is required.");
        var org = Oids.Normalize(orgText) ?? throw new UsageException($"--{OrgOption} '{orgText}' is not an OID.");
        var user = arguments.Single(UserOption);
        if (user is null && role.IsClinical())
        {
            throw new UsageException($"--{UserOption} is required for the role {role.ToText()}.");
        }

        if (user is not null && !CallerToken.IsUserIdentifier(user))
        {
            throw new UsageException($"--{UserOption} '{user}' is not of the form system|value.");
        }

        return new CallerToken(role, org, user, arguments.Single(ScopeOption), arguments.Single(NameOption), arguments.Single(ClientIdOption) ?? DefaultClientId);
    }

    private static TimeSpan Lifetime(string? text)
    {
        if (text is null)
        {
            return DefaultLifetime;
        }

        var unit = text[^1] switch
        {
            's' => TimeSpan.FromSeconds(1),
            'm' => TimeSpan.FromMinutes(1),
            'h' => TimeSpan.FromHours(1),
            'd' => TimeSpan.FromDays(1),
            _ => TimeSpan.Zero,
        };
        return unit > TimeSpan.Zero && int.TryParse(text[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            && count > 0 && unit.TotalSeconds * count <= MaxLifetime.TotalSeconds
            ? unit * count
            : throw new UsageException($"--{LifetimeOption} '{text}' is not a number of s, m, h or d between 1s and 365d (e.g. 8h).");
    }
}
