using System.Diagnostics;
using FhirBridge.Core.Fhir;
using FhirBridge.Core.Search;

namespace FhirBridge.Bench;

/// <summary>
/// Per-resource cost of the create path's CPU work on each example resource: JSON parse, search-index extraction and
/// JSON serialization. Each round times every (example, operation) pair for a short slice of back-to-back calls on one
/// thread; the figure is the median over the rounds, which spreads other load on the machine evenly over all pairs.
/// </summary>
internal static class ExtractionBenchmark
{
    public static IReadOnlyList<ExtractionResult> Run(string examplesDirectory)
    {
        var extractor = new IndexExtractor(new SearchParameterRegistry());
        var examples = Directory.GetFiles(examplesDirectory, "*.json")
            .Where(p => Path.GetFileName(p) != "manifest.json")
            .Order(StringComparer.Ordinal)
            .Select(p => new Example(Path.GetFileNameWithoutExtension(p), File.ReadAllText(p), extractor))
            .ToList();

        MicroTimer.Interleave(examples, (example, slice, measured) => example.TimeRound(slice, measured));

        return [.. examples.Select(e => e.Result())];
    }

    /// <summary>One example resource with its timings so far.</summary>
    private sealed class Example
    {
        private readonly string _name;
        private readonly string _json;
        private readonly IIndexExtractor _extractor;
        private readonly Hl7.Fhir.Model.Resource _resource;
        private readonly double _firstExtractionMs;
        private readonly List<double> _parseUs = [];
        private readonly List<double> _extractUs = [];
        private readonly List<double> _serializeUs = [];

        public Example(string name, string json, IIndexExtractor extractor)
        {
            _name = name;
            _json = json;
            _extractor = extractor;
            _resource = FhirSerializer.ParseJson(json);
            // The first extraction of a type compiles its expressions: timed on its own, it is not a per-resource cost.
            var stopwatch = Stopwatch.StartNew();
            extractor.Extract(_resource);
            _firstExtractionMs = stopwatch.Elapsed.TotalMilliseconds;
        }

        public void TimeRound(TimeSpan slice, bool measured)
        {
            var parse = MicroTimer.MicrosecondsPerCall(() => FhirSerializer.ParseJson(_json), slice);
            var extract = MicroTimer.MicrosecondsPerCall(() => _extractor.Extract(_resource), slice);
            var serialize = MicroTimer.MicrosecondsPerCall(() => FhirSerializer.ToJson(_resource), slice);
            if (measured)
            {
                _parseUs.Add(parse);
                _extractUs.Add(extract);
                _serializeUs.Add(serialize);
            }
        }

        public ExtractionResult Result() => new(
            _name, _json.Length, _extractor.Extract(_resource).Count, MicroTimer.Median(_parseUs), MicroTimer.Median(_extractUs), MicroTimer.Median(_serializeUs), _firstExtractionMs);
    }
}

/// <summary>Median per-call costs on one example resource, in microseconds (first extraction of its type in milliseconds).</summary>
internal sealed record ExtractionResult(
    string Example, int JsonChars, int IndexEntries, double ParseUs, double ExtractUs, double SerializeUs, double FirstExtractionMs);
