using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace FhirBridge.Core.Security;

/// <summary>
/// The local development signing key (HS256) that <c>fhirbridge token</c> signs with and only a server in the
/// Development environment trusts; kept in a JSON file <c>{"id": …, "key": base64}</c> created on first use.
/// </summary>
public sealed class DevelopmentSigningKey
{
    /// <summary>The issuer of development tokens, and a Development server's issuer when none is configured.</summary>
    public const string Issuer = "fhirbridge-development";

    /// <summary>The audience of development tokens, and a Development server's audience when none is configured.</summary>
    public const string Audience = "fhirbridge";

    private const int KeyBytes = 32; // HS256 needs a key of at least 256 bits

    private static readonly JsonSerializerOptions FileJson = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private DevelopmentSigningKey(string id, byte[] key)
    {
        Key = new SymmetricSecurityKey(key) { KeyId = id };
    }

    public SymmetricSecurityKey Key { get; }

    /// <summary>&lt;LocalApplicationData&gt;/fhirbridge/dev-signing-key.json.</summary>
    public static string DefaultFile => Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify),
        "fhirbridge",
        "dev-signing-key.json");

    /// <summary>Reads the key in <paramref name="file"/>, creating the file with a new random key when it does not exist.</summary>
    public static DevelopmentSigningKey LoadOrCreate(string file)
    {
        if (!File.Exists(file))
        {
            TryCreate(file);
        }

        return Load(file);
    }

    private static DevelopmentSigningKey Load(string file)
    {
        try
        {
            var content = JsonSerializer.Deserialize<KeyFile>(File.ReadAllText(file), FileJson);
            var key = Convert.FromBase64String(content?.Key ?? "");
            if (string.IsNullOrWhiteSpace(content?.Id) || key.Length < KeyBytes)
            {
                throw new InvalidDataException($"needs an \"id\" and a base64 \"key\" of at least {KeyBytes} bytes");
            }

            return new DevelopmentSigningKey(content.Id, key);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidDataException)
        {
            throw new InvalidOperationException($"The development signing key file {file} is not valid ({e.Message}); delete it to have a new one created.", e);
        }
    }

    // Written to a temporary file and moved into place, so a server and the CLI starting together agree on one key.
    private static void TryCreate(string file)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
        var temporary = file + "." + Guid.NewGuid().ToString("N") + ".tmp";
        var content = new KeyFile("dev-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)), Convert.ToBase64String(RandomNumberGenerator.GetBytes(KeyBytes)));
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temporary, options))
        {
            JsonSerializer.Serialize(stream, content, FileJson);
        }

        try
        {
            File.Move(temporary, file, overwrite: false);
        }
        catch (IOException) when (File.Exists(file))
        {
            File.Delete(temporary); // another process created it first: use theirs
        }
    }

    private sealed record KeyFile(string Id, string Key);
}
