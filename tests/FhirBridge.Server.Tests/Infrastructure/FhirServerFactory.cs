using System.Net.Http.Headers;
using Hl7.Fhir.Rest;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FhirBridge.Server.Tests.Infrastructure;

/// <summary>
/// The real server on Kestrel on a free loopback port, configured only through settings (as a user would with appsettings
/// or the environment); its clients talk to it over real HTTP. They send <see cref="TestTokens.System"/> unless given
/// another token.
/// </summary>
public sealed class FhirServerFactory : WebApplicationFactory<Program>
{
    private readonly IReadOnlyDictionary<string, string?> _settings;

    public FhirServerFactory(IReadOnlyDictionary<string, string?> settings)
    {
        _settings = settings;
        UseKestrel(0);
    }

    /// <summary>Body limit of the test servers: small, so 413 is cheap to provoke.</summary>
    public const int MaxBodyBytes = 256 * 1024;

    /// <summary>The development key of the test servers (they run in Development): never the user's own.</summary>
    public static readonly string DevelopmentKeyFile = Path.Combine(Path.GetTempPath(), "fhirbridge-server-tests", "dev-signing-key.json");

    /// <summary>The callers of this server's requests that sent <see cref="CallerRecorder.Header"/>.</summary>
    public CallerRecorder Callers { get; } = new();

    /// <summary>The settings this server runs with (e.g. where its database is).</summary>
    public IReadOnlyDictionary<string, string?> Settings => _settings;

    /// <summary>The server's root URL, e.g. http://127.0.0.1:41234 (no trailing slash): what it builds absolute URLs on.</summary>
    public string BaseUrl
    {
        get
        {
            StartServer();
            var address = Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
            return new Uri(address).GetLeftPart(UriPartial.Authority);
        }
    }

    /// <summary>Settings every test server shares; the storage ones are added by the fixture.</summary>
    public static Dictionary<string, string?> BaseSettings() => new()
    {
        ["FhirServer:MaxBodyBytes"] = MaxBodyBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        // An outer FHIRBRIDGE_POSTGRES must not redirect a SQLite suite.
        ["FHIRBRIDGE_POSTGRES"] = string.Empty,
        ["Auth:Issuer"] = TestTokens.Issuer,
        ["Auth:Audience"] = TestTokens.Audience,
        ["Auth:SigningKeys:0:Id"] = TestTokens.KeyId,
        ["Auth:SigningKeys:0:Key"] = TestTokens.KeyBase64,
        ["Auth:DevelopmentKeyFile"] = DevelopmentKeyFile,
        // A hanging connected system fails a statutory-plan sync quickly; small pages make the sync follow next links.
        ["Bridge:StatutoryPlanSync:RequestTimeout"] = "00:00:02",
        ["Bridge:StatutoryPlanSync:PageSize"] = "2",
        // The bridge's delivery worker with short delays, so fault and retry tests take seconds.
        ["Bridge:Delivery:PollInterval"] = "00:00:00.100",
        ["Bridge:Delivery:RetryBaseDelay"] = "00:00:00.100",
        ["Bridge:Delivery:RetryMaxDelay"] = "00:00:00.500",
        ["Bridge:Delivery:MaxAttempts"] = "12",
        ["Bridge:Delivery:AttemptTimeout"] = "00:00:01",
        ["Bridge:Delivery:HttpRetries"] = "1",
        ["Bridge:Delivery:HttpRetryDelay"] = "00:00:00.050",
        ["Bridge:Delivery:Lease"] = "00:00:04",
        ["Bridge:Delivery:BreakerMinimumThroughput"] = "4",
        ["Bridge:Delivery:BreakerSamplingDuration"] = "00:00:05",
        ["Bridge:Delivery:BreakerBreakDuration"] = "00:00:01",
    };

    /// <summary>A client sending <paramref name="token"/> as its bearer token.</summary>
    public HttpClient CreateClient(string token)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>A client sending no Authorization header.</summary>
    public HttpClient CreateAnonymousClient()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = null;
        return client;
    }

    /// <summary>A Firely SDK client talking to this server through the in-memory handler, as <paramref name="token"/> or the system integration.</summary>
    public FhirClient CreateFhirClient(string? token = null) =>
        new(new Uri(BaseUrl + "/fhir/"), CreateClient(token ?? TestTokens.System), new FhirClientSettings
        {
            PreferredFormat = ResourceFormat.Json,
            VerifyFhirVersion = false,
            ReturnPreference = ReturnPreference.Representation,
        });

    protected override void ConfigureClient(HttpClient client)
    {
        base.ConfigureClient(client);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.System);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter>(Callers));
    }
}
