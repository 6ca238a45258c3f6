using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace FhirBridge.Core.Operations;

/// <summary>The HTTP-facing strings FHIR derives from a stored version: fullUrl, Location, ETag, status lines.</summary>
public static partial class ResourceHttp
{
    /// <summary>The FHIR base without a trailing slash, as every URL here is built on it.</summary>
    public static string Base(Uri baseUrl) => baseUrl.AbsoluteUri.TrimEnd('/');

    /// <summary>[base]/[type]/[id]: a Bundle entry's fullUrl.</summary>
    public static string FullUrl(Uri baseUrl, string type, string id) => $"{Base(baseUrl)}/{type}/{id}";

    /// <summary>[type]/[id]/_history/[version]: the relative location of one version.</summary>
    public static string VersionPath(string type, string id, int version) =>
        string.Create(CultureInfo.InvariantCulture, $"{type}/{id}/_history/{version}");

    /// <summary>[base]/[type]/[id]/_history/[version]: the Location header of a create or update.</summary>
    public static string Location(Uri baseUrl, string type, string id, int version) => $"{Base(baseUrl)}/{VersionPath(type, id, version)}";

    /// <summary>The weak ETag of a version (https://hl7.org/fhir/R4/http.html#versioning): W/"n".</summary>
    public static string ETag(int version) => string.Create(CultureInfo.InvariantCulture, $"W/\"{version}\"");

    /// <summary>Reads the version from an If-Match / ETag value: W/"n", "n" or n.</summary>
    public static bool TryParseETag(string? value, out int version)
    {
        version = 0;
        if (string.IsNullOrWhiteSpace(value))
        {
            return false;
        }

        var text = value.Trim();
        if (text.StartsWith("W/", StringComparison.Ordinal))
        {
            text = text[2..];
        }

        text = text.Trim('"');
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out version) && version > 0;
    }

    /// <summary>A Bundle entry's response.status: the code and its reason phrase, e.g. "201 Created".</summary>
    public static string StatusLine(HttpStatusCode status) =>
        string.Create(CultureInfo.InvariantCulture, $"{(int)status} {WordBoundary().Replace(status.ToString(), " ")}");

    [GeneratedRegex("(?<=[a-z])(?=[A-Z])")]
    private static partial Regex WordBoundary();
}
