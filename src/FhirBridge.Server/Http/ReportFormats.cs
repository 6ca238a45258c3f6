namespace FhirBridge.Server.Http;

/// <summary>The non-FHIR formats of reports for people: chosen by _format, else by Accept; null means a FHIR Bundle.</summary>
internal static class ReportFormats
{
    public const string Csv = "text/csv";
    public const string Html = "text/html";

    public static string? Of(HttpRequest request)
    {
        var format = request.Query["_format"].ToString();
        if (format.Length > 0)
        {
            return Text(format);
        }

        return request.Headers.Accept.ToString().Split(',').Select(a => Text(a.Split(';')[0])).FirstOrDefault(f => f is not null);
    }

    /// <summary>True when the route may answer in a report format, so content negotiation must not refuse it.</summary>
    public static bool Asked(HttpRequest request) => Of(request) is not null;

    private static string? Text(string value) => value.Trim().ToLowerInvariant() switch
    {
        "csv" or Csv => Csv,
        "html" or Html => Html,
        _ => null,
    };
}
