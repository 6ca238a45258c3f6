using FhirBridge.Bench;
using Npgsql;

// Usage:
//   FhirBridge.Bench run --scenarios noop,create,read,search --url http://127.0.0.1:8080 --label sqlite --results r.jsonl
//                        [--concurrency 8] [--duration 5] [--warmup 3] [--repeat 3] [--seed 200]
//                        [--key-file key.b64 --key-id bench --issuer I --audience A --organization <controller OID>]
//                        [--postgres "<the server's database>"]: also records its write transactions, WAL bytes and log rows
//   FhirBridge.Bench run --scenarios raw-insert --postgres "<connection string>" --label postgres --results r.jsonl
//   FhirBridge.Bench extraction --examples tests/FhirBridge.Server.Tests/Examples --results extraction.jsonl
//   FhirBridge.Bench validation --profiles profiles --results validation.jsonl
//   FhirBridge.Bench delivery --url http://127.0.0.1:8080 --key-file key.b64 --key-id bench --issuer I --audience A --organization <OID>
//                             [--count 200] [--concurrency 4] --output docs/benchmarks.md: bridge change→delivered latency and throughput
//   FhirBridge.Bench report --results r.jsonl [--extraction extraction.jsonl] [--validation validation.jsonl] --output docs/benchmarks.md --command "tools/bench/run.sh"
try
{
    var (command, options) = Arguments.Parse(args);
    return command switch
    {
        "run" => await RunAsync(BenchOptions.Parse(options)),
        "extraction" => await ExtractionAsync(options),
        "validation" => await ValidationAsync(options),
        "report" => await ReportAsync(options),
        "delivery" => await DeliveryBenchmark.RunAsync(options),
        _ => throw new ArgumentException($"Unknown command '{command}': use run, extraction, validation or report."),
    };
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

static async Task<int> RunAsync(BenchOptions options)
{
    HttpMessageHandler handler = new SocketsHttpHandler { MaxConnectionsPerServer = options.Concurrency };
    if (options.Auth is { } auth)
    {
        handler = new BearerTokenHandler(auth.MintToken(), handler);
    }

    using var http = new HttpClient(handler)
    {
        BaseAddress = options.ServerUrl,
        Timeout = TimeSpan.FromSeconds(30),
    };
    http.DefaultRequestHeaders.Accept.ParseAdd("application/fhir+json");
    await using var dataSource = options.PostgresConnectionString is { } connectionString
        ? NpgsqlDataSource.Create(connectionString)
        : null;
    var seeded = new SeededPatients(http, options.SeedCount);
    // Against a server on PostgreSQL, --postgres names the server's database: its activity is recorded per scenario.
    Func<CancellationToken, Task<DatabaseActivity>>? probe = dataSource is not null && options.ServerUrl is not null
        ? ct => DatabaseActivity.ReadAsync(dataSource, ct)
        : null;
    var runner = new ClosedLoopRunner(options.Concurrency, options.Warmup, options.Duration, options.Repetitions, probe);
    var failed = false;

    foreach (var name in options.Scenarios)
    {
        IScenario scenario = name switch
        {
            "raw-insert" => new RawInsertScenario(dataSource ?? throw new ArgumentException("raw-insert needs --postgres.")),
            _ when options.ServerUrl is null => throw new ArgumentException($"{name} needs --url."),
            "noop" => new NoopScenario(http),
            "create" => new CreateScenario(http),
            "read" => new ReadScenario(http, seeded),
            "search" => new SearchScenario(http, seeded),
            _ => throw new ArgumentException($"Unknown scenario '{name}'."),
        };
        ScenarioResult result;
        try
        {
            result = await runner.RunAsync(options.Label, scenario, CancellationToken.None);
        }
        catch (Exception e) when (e is InvalidOperationException or HttpRequestException or NpgsqlException)
        {
            // A scenario that cannot even start is reported as such; the others still run.
            result = ScenarioResult.NotRun(options.Label, name, options.Concurrency, e.Message);
        }

        failed |= result.Errors > 0 || result.Requests == 0;
        Console.WriteLine(
            $"{result.Label,-10} {result.Scenario,-10} {result.Throughput,10:F0} req/s  p50 {result.P50Ms,7:F2} ms  p99 {result.P99Ms,7:F2} ms  " +
            $"(median of {result.Repetitions.Count})  {result.Requests} ok, {result.Errors} errors{(result.FirstError is null ? "" : $" (first: {result.FirstError})")}");
        await ResultsFile.AppendAsync(options.ResultsPath, result);
    }

    return failed ? 1 : 0;
}

static async Task<int> ExtractionAsync(IReadOnlyDictionary<string, string> options)
{
    var resultsPath = BenchOptions.Require(options, "results");
    foreach (var result in ExtractionBenchmark.Run(BenchOptions.Require(options, "examples")))
    {
        Console.WriteLine(
            $"{result.Example,-40} {result.IndexEntries,4} entries  parse {result.ParseUs,8:F1} µs  extract {result.ExtractUs,8:F1} µs  " +
            $"serialize {result.SerializeUs,8:F1} µs  first extraction {result.FirstExtractionMs,7:F1} ms");
        await ResultsFile.AppendAsync(resultsPath, result);
    }

    return 0;
}

static async Task<int> ValidationAsync(IReadOnlyDictionary<string, string> options)
{
    var resultsPath = BenchOptions.Require(options, "results");
    foreach (var result in ValidationBenchmark.Run(BenchOptions.Require(options, "profiles")))
    {
        Console.WriteLine(
            $"{result.Example,-45} {result.Profile,-24} parse {result.ParseUs,8:F1} µs  validate {result.ValidateUs,8:F1} µs  " +
            $"ratio {result.ValidateUs / result.ParseUs,5:F2}  first validation {result.FirstValidationMs,7:F1} ms");
        await ResultsFile.AppendAsync(resultsPath, result);
    }

    return 0;
}

static async Task<int> ReportAsync(IReadOnlyDictionary<string, string> options)
{
    var results = await ResultsFile.ReadAsync<ScenarioResult>(BenchOptions.Require(options, "results"));
    var extraction = options.TryGetValue("extraction", out var extractionPath)
        ? await ResultsFile.ReadAsync<ExtractionResult>(extractionPath)
        : [];
    var validation = options.TryGetValue("validation", out var validationPath)
        ? await ResultsFile.ReadAsync<ValidationResult>(validationPath)
        : [];
    var markdown = ReportWriter.Render(
        results,
        extraction,
        validation,
        MachineInfo.Current(),
        options.GetValueOrDefault("command", "tools/bench/run.sh"),
        DateTimeOffset.UtcNow);
    var output = BenchOptions.Require(options, "output");
    Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
    await File.WriteAllTextAsync(output, markdown);
    Console.WriteLine($"Wrote {output}");
    return 0;
}
