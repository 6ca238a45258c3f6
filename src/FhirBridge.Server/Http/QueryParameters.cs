namespace FhirBridge.Server.Http;

/// <summary>URL-encoded parameters in their original order, repeated names kept (repeats mean AND in FHIR search).</summary>
internal static class QueryParameters
{
    public static IReadOnlyList<KeyValuePair<string, string>> Parse(string? encoded)
    {
        if (string.IsNullOrEmpty(encoded))
        {
            return [];
        }

        var result = new List<KeyValuePair<string, string>>();
        foreach (var pair in encoded.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var separator = pair.IndexOf('=', StringComparison.Ordinal);
            var name = separator < 0 ? pair : pair[..separator];
            var value = separator < 0 ? string.Empty : pair[(separator + 1)..];
            result.Add(new(Decode(name), Decode(value)));
        }

        return result;
    }

    public static IReadOnlyList<KeyValuePair<string, string>> Of(HttpRequest request) => Parse(request.QueryString.Value);

    private static string Decode(string value) => Uri.UnescapeDataString(value.Replace('+', ' '));
}
