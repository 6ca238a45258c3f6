namespace FhirBridge.Server.Security;

/// <summary>How bearer tokens are validated (configuration section "Auth").</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>The expected <c>iss</c>; optional with an <see cref="Authority"/>, whose discovery document names it.</summary>
    public string? Issuer { get; set; }

    /// <summary>The expected <c>aud</c>.</summary>
    public string? Audience { get; set; }

    /// <summary>Keys whose signatures are trusted.</summary>
    public List<SigningKeyOptions> SigningKeys { get; set; } = [];

    /// <summary>An OpenID Connect issuer whose discovery document and JWKS supply the issuer and signing keys.</summary>
    public string? Authority { get; set; }

    /// <summary>The development key file, trusted only in the Development environment.</summary>
    public string? DevelopmentKeyFile { get; set; }
}

/// <summary>One trusted signing key: a base64 symmetric HS256 <see cref="Key"/> or an RSA/EC <see cref="PublicKeyPem"/>.</summary>
public sealed class SigningKeyOptions
{
    /// <summary>The key id (<c>kid</c>).</summary>
    public string? Id { get; set; }

    /// <summary>A base64 symmetric key of at least 32 bytes.</summary>
    public string? Key { get; set; }

    /// <summary>An RSA or EC public key in PEM ("-----BEGIN PUBLIC KEY-----").</summary>
    public string? PublicKeyPem { get; set; }
}

/// <summary>Whether access-log entries record the caller's network address (section "AccessLog"; off by default: it is personal data).</summary>
public sealed class CallerAddressOptions
{
    public const string Section = "AccessLog";

    public bool RecordCallerAddress { get; set; }
}
