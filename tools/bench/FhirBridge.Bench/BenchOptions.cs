namespace FhirBridge.Bench;

/// <summary>Settings of one `run` invocation, parsed from `--name value` command-line pairs.</summary>
internal sealed record BenchOptions(
    Uri? ServerUrl,
    string? PostgresConnectionString,
    IReadOnlyList<string> Scenarios,
    string Label,
    int Concurrency,
    TimeSpan Duration,
    TimeSpan Warmup,
    int Repetitions,
    int SeedCount,
    string ResultsPath,
    BenchAuth? Auth)
{
    public static BenchOptions Parse(IReadOnlyDictionary<string, string> args)
    {
        var url = args.TryGetValue("url", out var u) ? new Uri(u.TrimEnd('/') + "/") : null;
        // The tool generates load: never point it at anything but this machine.
        if (url is not null && !url.IsLoopback)
        {
            throw new ArgumentException($"--url must be a loopback address, not {url.Host}.");
        }

        return new BenchOptions(
            url,
            args.GetValueOrDefault("postgres"),
            Require(args, "scenarios").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            args.GetValueOrDefault("label", "default"),
            PositiveInt(args, "concurrency", 8),
            TimeSpan.FromSeconds(PositiveInt(args, "duration", 5)),
            TimeSpan.FromSeconds(PositiveInt(args, "warmup", 3)),
            PositiveInt(args, "repeat", 3),
            PositiveInt(args, "seed", 200),
            Require(args, "results"),
            BenchAuth.Parse(args));
    }

    internal static string Require(IReadOnlyDictionary<string, string> args, string name) =>
        args.TryGetValue(name, out var value) ? value : throw new ArgumentException($"--{name} is required.");

    private static int PositiveInt(IReadOnlyDictionary<string, string> args, string name, int fallback)
    {
        if (!args.TryGetValue(name, out var text))
        {
            return fallback;
        }

        return int.TryParse(text, out var value) && value > 0
            ? value
            : throw new ArgumentException($"--{name} must be a positive integer, not '{text}'.");
    }
}
