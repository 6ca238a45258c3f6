using System.Globalization;
using FhirBridge.Core.Errors;
using FhirBridge.Core.Search;

namespace FhirBridge.Core.Operations;

/// <summary>The parameters of a history interaction (https://hl7.org/fhir/R4/http.html#history): _since, _count, _page.</summary>
internal sealed record HistoryRequest(DateTimeOffset? Since, int Count, string? PageToken, IReadOnlyList<KeyValuePair<string, string>> Applied)
{
    private static readonly HashSet<string> FormatParameters = new(["_format", "_pretty"], StringComparer.Ordinal);

    /// <summary>Malformed values are a 400; unknown parameters too with <paramref name="strict"/>, else they are ignored.</summary>
    public static HistoryRequest Parse(IReadOnlyList<KeyValuePair<string, string>> parameters, bool strict, PageSizes pageSizes)
    {
        DateTimeOffset? since = null;
        var count = pageSizes.Default;
        string? page = null;
        var applied = new List<KeyValuePair<string, string>>();
        foreach (var (name, raw) in parameters)
        {
            var value = raw;
            switch (name)
            {
                case "_since":
                    since = ParseInstant(value);
                    break;
                case "_count":
                    count = Math.Min(ParseCount(value), pageSizes.Max);
                    value = count.ToString(CultureInfo.InvariantCulture);
                    break;
                case "_page":
                    page = value;
                    break;
                case var _ when FormatParameters.Contains(name):
                    continue;
                case var _ when strict:
                    throw new BadRequestException($"Unknown history parameter '{name}'.", name, Hl7.Fhir.Model.OperationOutcome.IssueType.NotSupported);
                default:
                    continue;
            }

            applied.Add(new(name, value));
        }

        return new HistoryRequest(since, count, page, applied);
    }

    private static DateTimeOffset ParseInstant(string value) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var since)
            ? since
            : throw new BadRequestException($"_since '{value}' is not an instant (e.g. 2024-01-31T12:00:00Z).", "_since");

    private static int ParseCount(string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count > 0
            ? count
            : throw new BadRequestException($"_count '{value}' is not a positive integer.", "_count");
}
