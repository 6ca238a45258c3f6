using System.Globalization;
using FhirBridge.Core.Security;

namespace FhirBridge.Cli.Seed;

/// <summary><c>fhirbridge seed</c>: loads a deterministic synthetic population into a FhirBridge server through its FHIR API.</summary>
public sealed class SeedCommand : ICommand
{
    private const string ServerOption = "server";
    private const string PatientsOption = "patients";
    private const string SeedOption = "seed";
    private const string TokenOption = "token";
    private const string AsOfOption = "as-of";
    private const string ParallelOption = "parallel";
    private const string BatchOption = "batch";
    private const string KeyFileOption = "key-file";

    public string Name => "seed";

    public string Summary => "Load a synthetic population (demo and benchmark data) into a server.";

    public string Help => $"""
        Usage: fhirbridge seed --server URL --patients N [--seed S] [--token T] [--as-of YYYY-MM-DD]
                               [--parallel 4] [--batch {SeedLoader.DefaultClientsPerBundle}] [--key-file FILE]

        Generates N synthetic clients (test henkilötunnus values with 9 as the 8th character, Finnish names and
        municipalities) with organisations of both sectors, practitioners and roles, visits (about 5 % frequent
        emergency users), joint-client episodes in every state with their teams, consents, plans and WHOQOL-BREF / ORS
        scores, and justified-reason flags, and loads them as transaction Bundles (PUT with generated ids, so loading
        again only adds versions). The same --seed and --as-of give the same data.

        Options:
          --server URL      The server's FHIR base, e.g. http://localhost:5000/fhir.
          --patients N      How many clients (1 to 1000000).
          --seed S          The random seed (default 1); ids start with s<S>-.
          --token T         A bearer token of a system integration. Without it, a server on this machine
                            (localhost, 127.0.0.1, ::1) gets a token signed with the development key, which
                            only a server in the Development environment trusts (see fhirbridge token).
          --as-of DATE      The day the data leads up to (default: today, UTC).
          --parallel N      Transactions in flight (default 4).
          --batch N         Clients per transaction (default {SeedLoader.DefaultClientsPerBundle}).
          --key-file FILE   The development key file (default: {DevelopmentSigningKey.DefaultFile}).

        Exit codes: 0 loaded, 1 the server refused a transaction, 2 usage error.

        """;

    public IReadOnlySet<string> Options { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        ServerOption, PatientsOption, SeedOption, TokenOption, AsOfOption, ParallelOption, BatchOption, KeyFileOption,
    };

    public IReadOnlySet<string> Flags { get; } = new HashSet<string>(StringComparer.Ordinal);

    public int Run(Arguments arguments, TextWriter output, TextWriter error)
    {
        if (arguments.Positional.Count > 0)
        {
            throw new UsageException($"unexpected argument '{arguments.Positional[0]}'.");
        }

        var serverText = arguments.Single(ServerOption) ?? throw new UsageException($"--{ServerOption} is required.");
        if (!Uri.TryCreate(serverText, UriKind.Absolute, out var server) || server.Scheme is not ("http" or "https"))
        {
            throw new UsageException($"--{ServerOption} '{serverText}' is not an http(s) URL.");
        }

        var options = new SeedOptions(
            Number(arguments, PatientsOption, null, 1_000_000),
            Number(arguments, SeedOption, 1, int.MaxValue),
            AsOf(arguments.Single(AsOfOption)));
        var population = new PopulationGenerator(options);
        var token = arguments.Single(TokenOption) ?? DevelopmentToken(server, population, arguments.Single(KeyFileOption));
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(10) };
        var loader = new SeedLoader(http, server, token, Number(arguments, ParallelOption, 4, 64));
        try
        {
            var result = loader.LoadAsync(population, Number(arguments, BatchOption, SeedLoader.DefaultClientsPerBundle, 1000), CancellationToken.None)
                .GetAwaiter().GetResult();
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"Loaded {result.Patients} patients ({result.Resources} resources) into {server} in {result.Elapsed.TotalSeconds:F1} s: {result.PatientsPerSecond:F0} patients/s."));
            return ExitCodes.Ok;
        }
        catch (Exception e) when (e is SeedException or HttpRequestException or TaskCanceledException)
        {
            error.WriteLine($"fhirbridge seed: {e.Message}");
            return ExitCodes.ErrorsFound;
        }
    }

    // A development token only for a server on this machine: a remote server must be given a real token.
    private static string DevelopmentToken(Uri server, PopulationGenerator population, string? keyFile)
    {
        if (!server.IsLoopback)
        {
            throw new UsageException($"--{TokenOption} is required for a server that is not on this machine ({server.Host}).");
        }

        var request = new CallerToken(
            CallerRole.SystemIntegration, population.Directory.OidOf(population.Directory.County), null, null, "fhirbridge seed", "fhirbridge-seed");
        return TokenCommand.Mint(request, keyFile, null, null, TimeSpan.FromHours(8));
    }

    private static int Number(Arguments arguments, string option, int? fallback, int max)
    {
        var text = arguments.Single(option);
        if (text is null)
        {
            return fallback ?? throw new UsageException($"--{option} is required.");
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= (option == SeedOption ? 0 : 1) && value <= max
            ? value
            : throw new UsageException($"--{option} '{text}' must be a whole number from {(option == SeedOption ? 0 : 1)} to {max}.");
    }

    private static DateOnly AsOf(string? text) =>
        text is null ? DateOnly.FromDateTime(DateTime.UtcNow)
        : DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date
        : throw new UsageException($"--{AsOfOption} '{text}' is not a date YYYY-MM-DD.");
}
