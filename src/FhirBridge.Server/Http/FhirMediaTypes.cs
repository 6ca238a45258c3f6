namespace FhirBridge.Server.Http;

/// <summary>The media types and _format values the server reads and writes (https://hl7.org/fhir/R4/http.html#mime-type).</summary>
internal static class FhirMediaTypes
{
    public const string Json = "application/fhir+json";

    public const string Xml = "application/fhir+xml";

    public const string FormUrlEncoded = "application/x-www-form-urlencoded";

    /// <summary>True for an XML type, false for a JSON type, null for anything else.</summary>
    public static bool? IsXml(string mediaTypeOrFormat)
    {
        // A '+' in a query string decodes to a space: "_format=application/fhir+xml" arrives as "application/fhir xml".
        var value = mediaTypeOrFormat.Trim().Replace(' ', '+').ToLowerInvariant();
        return value switch
        {
            "json" or Json or "application/json" or "text/json" => false,
            "xml" or Xml or "application/xml" or "text/xml" => true,
            _ => null,
        };
    }
}
