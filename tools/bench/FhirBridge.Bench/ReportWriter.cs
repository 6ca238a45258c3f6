using System.Globalization;
using System.Text;

namespace FhirBridge.Bench;

/// <summary>Renders the results of one benchmark run as the markdown page docs/benchmarks.md.</summary>
internal static class ReportWriter
{
    public static string Render(
        IReadOnlyList<ScenarioResult> results, IReadOnlyList<ExtractionResult> extraction, MachineInfo machine, string command, DateTimeOffset date)
    {
        var md = new StringBuilder();
        md.AppendLine("# Benchmarks")
            .AppendLine()
            .AppendLine("Closed-loop load (each worker has one request in flight) from `tools/bench/FhirBridge.Bench` over loopback")
            .AppendLine("HTTP against the Release build of the server, after a warm-up. `noop` is an empty endpoint on the same")
            .AppendLine("Kestrel host; `raw-insert` is plain Npgsql INSERTs of the same Patient JSON into a jsonb table in the same")
            .AppendLine("PostgreSQL cluster (default settings, fsync on), with the same concurrency. Regenerate with `tools/bench/run.sh`.")
            .AppendLine()
            .AppendLine(Invariant($"- Command: `{command}`"))
            .AppendLine(Invariant($"- Date: {date:yyyy-MM-dd HH:mm} UTC"))
            .AppendLine(Invariant($"- Machine: {machine.Cores} cores (nproc), {machine.Memory} memory, {machine.CpuModel}; {machine.OperatingSystem}"))
            .AppendLine("- Load generator, server and database share the machine.")
            .AppendLine()
            .AppendLine("| Backend | Scenario | Workers | Requests | Errors | Throughput (req/s) | p50 (ms) | p99 (ms) | Mean (ms) |")
            .AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            md.AppendLine(Invariant(
                $"| {r.Label} | {r.Scenario} | {r.Concurrency} | {r.Requests} | {r.Errors} | {r.Throughput:F0} | {r.P50Ms:F2} | {r.P99Ms:F2} | {r.MeanMs:F2} |"));
        }

        AppendRatios(md, results);
        AppendErrors(md, results);
        AppendExtraction(md, extraction);
        return md.ToString();
    }

    private static void AppendRatios(StringBuilder md, IReadOnlyList<ScenarioResult> results)
    {
        var rawInsert = results.FirstOrDefault(r => r.Scenario == "raw-insert");
        var creates = results.Where(r => r.Scenario == "create").ToList();
        if (creates.Count == 0)
        {
            return;
        }

        md.AppendLine()
            .AppendLine("| Backend | create / noop throughput | create / raw-insert throughput |")
            .AppendLine("|---|---:|---:|");
        foreach (var create in creates)
        {
            var noop = results.FirstOrDefault(r => r.Label == create.Label && r.Scenario == "noop");
            md.AppendLine(Invariant($"| {create.Label} | {Ratio(create, noop)} | {Ratio(create, rawInsert)} |"));
        }
    }

    private static void AppendErrors(StringBuilder md, IReadOnlyList<ScenarioResult> results)
    {
        var failing = results.Where(r => r.FirstError is not null).ToList();
        if (failing.Count == 0)
        {
            return;
        }

        md.AppendLine().AppendLine("First error per scenario:").AppendLine();
        foreach (var r in failing)
        {
            md.AppendLine(Invariant($"- {r.Label} {r.Scenario}: {r.FirstError}"));
        }
    }

    private static void AppendExtraction(StringBuilder md, IReadOnlyList<ExtractionResult> extraction)
    {
        if (extraction.Count == 0)
        {
            return;
        }

        md.AppendLine()
            .AppendLine("## Search-index extraction")
            .AppendLine()
            .AppendLine("CPU cost per resource of the example resources in `tests/FhirBridge.Server.Tests/Examples`, on one thread:")
            .AppendLine("median per-call time over rounds of back-to-back calls (`FhirBridge.Bench extraction`). Parse is")
            .AppendLine("`FhirSerializer.ParseJson`, extract is `IndexExtractor.Extract` on the parsed resource, serialize is")
            .AppendLine("`FhirSerializer.ToJson`. The first extraction of a type also compiles its FHIRPath expressions (once per process).")
            .AppendLine()
            .AppendLine("| Example | JSON chars | Index entries | Parse (µs) | Extract (µs) | Serialize (µs) | Extract / parse | First extraction (ms) |")
            .AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var e in extraction)
        {
            md.AppendLine(Invariant(
                $"| {e.Example} | {e.JsonChars} | {e.IndexEntries} | {e.ParseUs:F1} | {e.ExtractUs:F1} | {e.SerializeUs:F1} | {e.ExtractUs / e.ParseUs:F2} | {e.FirstExtractionMs:F1} |"));
        }

        md.AppendLine(Invariant(
            $"| **median** | | | {Median(extraction.Select(e => e.ParseUs))} | {Median(extraction.Select(e => e.ExtractUs))} | {Median(extraction.Select(e => e.SerializeUs))} | {Median(extraction.Select(e => e.ExtractUs / e.ParseUs))} | |"));
    }

    private static string Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return Invariant($"{sorted[sorted.Length / 2]:F2}");
    }

    private static string Ratio(ScenarioResult numerator, ScenarioResult? denominator) =>
        denominator is null || denominator.Throughput <= 0
            ? "–"
            : Invariant($"{100 * numerator.Throughput / denominator.Throughput:F1} %");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
