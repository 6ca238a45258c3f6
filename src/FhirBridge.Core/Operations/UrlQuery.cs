using System.Text;

namespace FhirBridge.Core.Operations;

/// <summary>Splits and builds URL query strings as FHIR search uses them (repeated names kept, in order).</summary>
public static class UrlQuery
{
    /// <summary>The name/value pairs of "a=1&amp;b=2", percent-decoded; a leading "?" or "[type]?" is skipped.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Parse(string query)
    {
        var start = query.IndexOf('?', StringComparison.Ordinal);
        var text = start >= 0 && query.AsSpan(0, start).IndexOfAny('=', '&') < 0 ? query[(start + 1)..] : query;
        return text
            .Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair =>
            {
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                return eq < 0
                    ? new KeyValuePair<string, string>(Decode(pair), "")
                    : new KeyValuePair<string, string>(Decode(pair[..eq]), Decode(pair[(eq + 1)..]));
            })
            .ToList();
    }

    /// <summary>"a=1&amp;b=2" with values escaped, but the FHIR search punctuation (: | , /) left readable.</summary>
    public static string Format(IEnumerable<KeyValuePair<string, string>> parameters)
    {
        var builder = new StringBuilder();
        foreach (var (name, value) in parameters)
        {
            builder.Append(builder.Length == 0 ? "" : "&").Append(Encode(name)).Append('=').Append(Encode(value));
        }

        return builder.ToString();
    }

    private static string Decode(string text) => Uri.UnescapeDataString(text.Replace('+', ' '));

    private static string Encode(string text) =>
        Uri.EscapeDataString(text)
            .Replace("%3A", ":", StringComparison.Ordinal)
            .Replace("%7C", "|", StringComparison.Ordinal)
            .Replace("%2C", ",", StringComparison.Ordinal)
            .Replace("%2F", "/", StringComparison.Ordinal);
}
