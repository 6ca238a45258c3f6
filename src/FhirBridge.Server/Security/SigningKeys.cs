using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace FhirBridge.Server.Security;

/// <summary>Turns configured <see cref="SigningKeyOptions"/> into security keys, saying what is wrong with a bad one.</summary>
internal static class SigningKeys
{
    private const int MinimumSymmetricBytes = 32; // HS256 needs at least 256 bits

    public static SecurityKey Parse(SigningKeyOptions options, int index)
    {
        var name = $"{AuthOptions.Section}:SigningKeys:{index}";
        if (string.IsNullOrWhiteSpace(options.Id))
        {
            throw new InvalidOperationException($"{name}:Id is required.");
        }

        return (options.Key, options.PublicKeyPem) switch
        {
            ({ } key, null) => Symmetric(key, options.Id, name),
            (null, { } pem) => PublicKey(pem, options.Id, name),
            _ => throw new InvalidOperationException($"{name} needs exactly one of Key (base64 HS256) or PublicKeyPem (RSA/EC)."),
        };
    }

    private static SymmetricSecurityKey Symmetric(string base64, string id, string name)
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"{name}:Key is not base64.");
        }

        return bytes.Length >= MinimumSymmetricBytes
            ? new SymmetricSecurityKey(bytes) { KeyId = id }
            : throw new InvalidOperationException($"{name}:Key has {bytes.Length} bytes; HS256 needs at least {MinimumSymmetricBytes}.");
    }

    // A PEM "PUBLIC KEY" block does not say whether it holds RSA or EC, so both are tried.
    private static AsymmetricSecurityKey PublicKey(string pem, string id, string name)
    {
        try
        {
            var rsa = RSA.Create();
            rsa.ImportFromPem(pem);
            return new RsaSecurityKey(rsa) { KeyId = id };
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            try
            {
                var ec = ECDsa.Create();
                ec.ImportFromPem(pem);
                return new ECDsaSecurityKey(ec) { KeyId = id };
            }
            catch (Exception inner) when (inner is CryptographicException or ArgumentException)
            {
                throw new InvalidOperationException($"{name}:PublicKeyPem is not an RSA or EC public key in PEM.", inner);
            }
        }
    }
}
