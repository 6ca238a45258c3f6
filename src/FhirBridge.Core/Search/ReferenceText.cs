using System.Text.RegularExpressions;
using FhirBridge.Core.Fhir;
using Hl7.Fhir.Model;

namespace FhirBridge.Core.Search;

/// <summary>Reads the text of a FHIR reference: <c>Type/id</c>, <c>Type/id/_history/v</c>, absolute URLs, <c>#contained</c>.</summary>
public static partial class ReferenceText
{
    /// <summary>A reference to a contained resource (<c>#id</c>), which points inside the same resource.</summary>
    public static bool IsContained(string text) => text.StartsWith('#');

    /// <summary>An absolute URL or URN (http://..., urn:uuid:...).</summary>
    public static bool IsAbsolute(string text) =>
        !text.StartsWith('/') && text.Contains(':') && Uri.TryCreate(text, UriKind.Absolute, out _);

    /// <summary>A valid logical id: 1-64 of A-Z a-z 0-9 - . (https://hl7.org/fhir/R4/datatypes.html#id).</summary>
    public static bool IsValidId(string id) => IdPattern().IsMatch(id);

    /// <summary>
    /// Reads a relative <c>Type/id</c> (the version of <c>Type/id/_history/v</c> is dropped); Type must be a FHIR resource type.
    /// </summary>
    public static bool TryParseRelative(string text, out string type, out string id)
    {
        type = id = string.Empty;
        var parts = text.Split('/');
        var valid = parts.Length == 2 || (parts.Length == 4 && parts[2] == "_history" && parts[3].Length > 0);
        if (!valid || !ModelInfo.IsKnownResource(parts[0]) || !IdPattern().IsMatch(parts[1]))
        {
            return false;
        }

        (type, id) = (parts[0], parts[1]);
        return true;
    }

    /// <summary>Reads the <c>ServedType/id[/_history/v]</c> tail of an absolute URL, e.g. <c>https://x.fi/fhir/Patient/1</c>.</summary>
    public static bool TryParseServedTail(string url, out string type, out string id)
    {
        (type, id) = AbsoluteTail(url) ?? (string.Empty, string.Empty);
        return ServedTypes.IsServed(type);
    }

    /// <summary>A relative or served absolute reference as <c>Type/id</c>; null for any other form.</summary>
    public static string? Canonical(string? reference) =>
        reference is not null && (TryParseRelative(reference, out var type, out var id) || TryParseServedTail(reference, out type, out id))
            ? $"{type}/{id}"
            : null;

    /// <summary>The resource type a reference text names, whatever its form; null for contained or unreadable references.</summary>
    public static string? TypeOf(string text) =>
        TryParseRelative(text, out var type, out _) ? type : AbsoluteTail(text)?.Type;

    private static (string Type, string Id)? AbsoluteTail(string url)
    {
        if (!IsAbsolute(url) || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            return null;
        }

        var segments = uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var tail = segments.Length >= 4 && segments[^2] == "_history" ? segments[^4..^2]
            : segments.Length >= 2 ? segments[^2..]
            : null;
        return tail is not null && ModelInfo.IsKnownResource(tail[0]) && IdPattern().IsMatch(tail[1]) ? (tail[0], tail[1]) : null;
    }

    // https://hl7.org/fhir/R4/datatypes.html#id
    [GeneratedRegex(@"^[A-Za-z0-9\-\.]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();
}
