using System.Diagnostics;
using System.Text.Json;
using FhirBridge.Core.Fhir;
using FhirBridge.Core.Validation;
using Hl7.Fhir.Model;

namespace FhirBridge.Bench;

/// <summary>
/// Cost of validating each valid example of the FhirBridge package (profiles/examples) against base R4 and its profile,
/// next to parsing the same JSON. Rounds interleave the examples as in <see cref="ExtractionBenchmark"/>; figures are medians.
/// </summary>
internal static class ValidationBenchmark
{
    public static IReadOnlyList<ValidationResult> Run(string profilesDirectory)
    {
        var validator = new ProfileValidator(new ConformanceSource(FhirBridgePackage.Resources));
        var examplesDirectory = Path.Combine(profilesDirectory, "examples");
        using var expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(examplesDirectory, "expected-outcomes.json")));
        var examples = expected.RootElement.GetProperty("examples").EnumerateArray()
            .Where(e => e.GetProperty("valid").GetBoolean())
            .Select(e => new Example(
                e.GetProperty("file").GetString()!,
                e.GetProperty("profile").GetString()!,
                File.ReadAllText(Path.Combine(examplesDirectory, e.GetProperty("file").GetString()!)),
                validator))
            .OrderBy(e => e.Name, StringComparer.Ordinal)
            .ToList();

        MicroTimer.Interleave(examples, (example, slice, measured) => example.TimeRound(slice, measured));

        return [.. examples.Select(e => e.Result())];
    }

    /// <summary>One valid example with its timings so far.</summary>
    private sealed class Example
    {
        private readonly string _json;
        private readonly string _profile;
        private readonly ProfileValidator _validator;
        private readonly Resource _resource;
        private readonly double _firstValidationMs;
        private readonly List<double> _parseUs = [];
        private readonly List<double> _validateUs = [];

        public Example(string file, string profile, string json, ProfileValidator validator)
        {
            Name = Path.GetFileNameWithoutExtension(file);
            _profile = profile;
            _json = json;
            _validator = validator;
            _resource = FhirSerializer.ParseJson(json);
            // The first validation against a profile compiles it: timed on its own, it is not a per-resource cost.
            var stopwatch = Stopwatch.StartNew();
            var outcome = validator.Validate(_resource);
            _firstValidationMs = stopwatch.Elapsed.TotalMilliseconds;
            if (outcome.Issue.Any(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal))
            {
                throw new InvalidOperationException($"{file} is listed as valid but has validation errors: timing it would be meaningless.");
            }
        }

        public string Name { get; }

        public void TimeRound(TimeSpan slice, bool measured)
        {
            var parse = MicroTimer.MicrosecondsPerCall(() => FhirSerializer.ParseJson(_json), slice);
            var validate = MicroTimer.MicrosecondsPerCall(() => _validator.Validate(_resource), slice);
            if (measured)
            {
                _parseUs.Add(parse);
                _validateUs.Add(validate);
            }
        }

        public ValidationResult Result() =>
            new(Name, _profile[(_profile.LastIndexOf('/') + 1)..], _json.Length, MicroTimer.Median(_parseUs), MicroTimer.Median(_validateUs), _firstValidationMs);
    }
}

/// <summary>Median per-call costs of one valid example, in microseconds (first validation against its profile in milliseconds).</summary>
internal sealed record ValidationResult(string Example, string Profile, int JsonChars, double ParseUs, double ValidateUs, double FirstValidationMs);
