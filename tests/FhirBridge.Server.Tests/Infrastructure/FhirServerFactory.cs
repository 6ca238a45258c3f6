using Hl7.Fhir.Rest;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace FhirBridge.Server.Tests.Infrastructure;

/// <summary>The real server in memory, configured only through settings (as a user would with appsettings or the environment).</summary>
public sealed class FhirServerFactory(IReadOnlyDictionary<string, string?> settings) : WebApplicationFactory<Program>
{
    /// <summary>Body limit of the test servers: small, so 413 is cheap to provoke.</summary>
    public const int MaxBodyBytes = 256 * 1024;

    /// <summary>Settings every test server shares; the storage ones are added by the fixture.</summary>
    public static Dictionary<string, string?> BaseSettings() => new()
    {
        ["FhirServer:MaxBodyBytes"] = MaxBodyBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        // An outer FHIRBRIDGE_POSTGRES must not redirect a SQLite suite.
        ["FHIRBRIDGE_POSTGRES"] = string.Empty,
    };

    /// <summary>A Firely SDK client talking to this server through the in-memory handler.</summary>
    public FhirClient CreateFhirClient() =>
        new(new Uri(Server.BaseAddress, "fhir/"), CreateClient(), new FhirClientSettings
        {
            PreferredFormat = ResourceFormat.Json,
            VerifyFhirVersion = false,
            ReturnPreference = ReturnPreference.Representation,
        });

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
    }
}
