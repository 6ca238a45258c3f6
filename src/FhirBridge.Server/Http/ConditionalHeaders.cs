using System.Globalization;
using FhirBridge.Core.Errors;
using FhirBridge.Core.Operations;
using FhirBridge.Core.Storage;
using Microsoft.Net.Http.Headers;

namespace FhirBridge.Server.Http;

/// <summary>If-Match, If-None-Match, If-Modified-Since and If-None-Exist (https://hl7.org/fhir/R4/http.html#concurrency).</summary>
internal static class ConditionalHeaders
{
    /// <summary>The version If-Match requires, null without the header; a malformed value is a 400.</summary>
    public static int? IfMatchVersion(HttpRequest request)
    {
        var value = request.Headers.IfMatch.ToString();
        if (value.Length == 0)
        {
            return null;
        }

        return ResourceHttp.TryParseETag(value, out var version)
            ? version
            : throw new BadRequestException($"If-Match '{value}' is not a version ETag like W/\"3\".", HeaderNames.IfMatch);
    }

    /// <summary>If-None-Exist's search criteria (conditional create), null without the header.</summary>
    public static string? IfNoneExist(HttpRequest request)
    {
        var value = request.Headers["If-None-Exist"].ToString().Trim();
        return value.Length == 0 ? null : value.TrimStart('?');
    }

    /// <summary>True when the client's cached copy is current: If-None-Match matches the ETag, or If-Modified-Since is not older.</summary>
    public static bool IsNotModified(HttpRequest request, StoredResource stored)
    {
        var ifNoneMatch = request.Headers.IfNoneMatch.ToString();
        if (ifNoneMatch.Length > 0)
        {
            return ifNoneMatch.Split(',').Any(tag =>
                tag.Trim() == "*" || (ResourceHttp.TryParseETag(tag, out var version) && version == stored.Version));
        }

        var ifModifiedSince = request.Headers.IfModifiedSince.ToString();
        // HTTP dates have whole seconds; compare at that precision so echoing Last-Modified back gives a 304.
        return ifModifiedSince.Length > 0
            && DateTimeOffset.TryParseExact(ifModifiedSince, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var since)
            && since >= TruncateToSeconds(stored.LastUpdated);
    }

    public static string LastModified(DateTimeOffset lastUpdated) => lastUpdated.UtcDateTime.ToString("r", CultureInfo.InvariantCulture);

    private static DateTimeOffset TruncateToSeconds(DateTimeOffset value) =>
        new(value.Ticks - (value.Ticks % TimeSpan.TicksPerSecond), value.Offset);
}
