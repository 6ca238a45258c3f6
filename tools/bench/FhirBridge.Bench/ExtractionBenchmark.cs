using System.Diagnostics;
using FhirBridge.Core.Fhir;
using FhirBridge.Core.Search;
using Hl7.Fhir.Model;

namespace FhirBridge.Bench;

/// <summary>
/// Per-resource cost of the create path's CPU work on each example resource: JSON parse, search-index extraction and
/// JSON serialization, each the median over rounds of back-to-back calls on one thread.
/// </summary>
internal static class ExtractionBenchmark
{
    private const int Rounds = 15;
    private static readonly TimeSpan RoundLength = TimeSpan.FromMilliseconds(40);

    public static IReadOnlyList<ExtractionResult> Run(string examplesDirectory)
    {
        var extractor = new IndexExtractor(new SearchParameterRegistry());
        var results = new List<ExtractionResult>();
        foreach (var path in Directory.GetFiles(examplesDirectory, "*.json").Where(p => Path.GetFileName(p) != "manifest.json").Order(StringComparer.Ordinal))
        {
            var json = File.ReadAllText(path);
            var resource = FhirSerializer.ParseJson(json);
            // The first extraction of a type compiles its expressions: measured apart, it is not a per-resource cost.
            var firstExtraction = Stopwatch.StartNew();
            var entries = extractor.Extract(resource).Count;
            firstExtraction.Stop();
            results.Add(new ExtractionResult(
                Path.GetFileNameWithoutExtension(path),
                json.Length,
                entries,
                MedianMicroseconds(() => FhirSerializer.ParseJson(json)),
                MedianMicroseconds(() => extractor.Extract(resource)),
                MedianMicroseconds(() => FhirSerializer.ToJson(resource)),
                firstExtraction.Elapsed.TotalMilliseconds));
        }

        return results;
    }

    private static double MedianMicroseconds(Func<object> operation)
    {
        var perCall = new double[Rounds];
        for (var round = -1; round < Rounds; round++)
        {
            var calls = 0;
            var start = Stopwatch.GetTimestamp();
            var elapsed = TimeSpan.Zero;
            while (elapsed < RoundLength)
            {
                GC.KeepAlive(operation());
                calls++;
                elapsed = Stopwatch.GetElapsedTime(start);
            }

            // Round -1 is the warm-up (tiered JIT).
            if (round >= 0)
            {
                perCall[round] = elapsed.TotalMicroseconds / calls;
            }
        }

        Array.Sort(perCall);
        return perCall[Rounds / 2];
    }
}

/// <summary>Median per-call costs on one example resource, in microseconds (first extraction of its type in milliseconds).</summary>
internal sealed record ExtractionResult(
    string Example, int JsonChars, int IndexEntries, double ParseUs, double ExtractUs, double SerializeUs, double FirstExtractionMs);
