using System.Collections.Frozen;
using System.Globalization;
using Hl7.Fhir.Model;

namespace FhirBridge.Core.Search;

/// <summary>Parses one (comma-separated, still escaped) search value by parameter type (https://hl7.org/fhir/R4/search.html#ptypes).</summary>
internal static class SearchValueParser
{
    private static readonly FrozenDictionary<string, SearchPrefix> Prefixes = new Dictionary<string, SearchPrefix>
    {
        ["eq"] = SearchPrefix.Eq, ["ne"] = SearchPrefix.Ne, ["gt"] = SearchPrefix.Gt, ["lt"] = SearchPrefix.Lt, ["ge"] = SearchPrefix.Ge,
        ["le"] = SearchPrefix.Le, ["sa"] = SearchPrefix.Sa, ["eb"] = SearchPrefix.Eb, ["ap"] = SearchPrefix.Ap,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Parses <paramref name="raw"/> as a value of <paramref name="parameter"/>; <paramref name="referenceType"/> is the :[Type] modifier.</summary>
    public static SearchValue Parse(SearchParameterInfo parameter, string raw, Uri? baseUrl, string? referenceType = null) => parameter.Type switch
    {
        SearchParamType.Token => Token(raw),
        SearchParamType.String => new StringValue(SearchEscaping.Unescape(raw)),
        SearchParamType.Uri => new UriValue(SearchEscaping.Unescape(raw)),
        SearchParamType.Date => Date(raw),
        SearchParamType.Number => Number(raw),
        SearchParamType.Quantity => Quantity(raw),
        SearchParamType.Reference => Reference(parameter, SearchEscaping.Unescape(raw), baseUrl, referenceType),
        _ => throw SearchParameterException.NotSupported($"Parameters of type {parameter.Type} are not supported."),
    };

    /// <summary><c>code</c>, <c>system|code</c>, <c>|code</c> (no system) or <c>system|</c> (any code in the system).</summary>
    public static TokenValue Token(string raw)
    {
        var parts = SearchEscaping.Split(raw, '|');
        if (parts.Count == 1)
        {
            return new TokenValue(null, SearchEscaping.Unescape(raw));
        }

        if (parts.Count > 2 || (parts[0].Length == 0 && parts[1].Length == 0))
        {
            throw SearchParameterException.Invalid($"'{raw}' is not a token: expected code, system|code, |code or system|.");
        }

        return new TokenValue(SearchEscaping.Unescape(parts[0]), parts[1].Length == 0 ? null : SearchEscaping.Unescape(parts[1]));
    }

    internal static DateValue Date(string raw)
    {
        var (prefix, text) = SplitPrefix(raw);

        // An unencoded '+' of a time zone arrives as a space after URL decoding.
        text = text.Replace(' ', '+');
        return FhirDateRange.TryParse(text, out var start, out var end)
            ? new DateValue(prefix, start, end)
            : throw SearchParameterException.Invalid($"'{raw}' is not a date: expected [prefix]YYYY[-MM[-DD[Thh:mm[:ss][Z|±hh:mm]]]].");
    }

    private static NumberValue Number(string raw)
    {
        var (prefix, text) = SplitPrefix(raw);
        return new NumberValue(prefix, Decimal(text, raw));
    }

    private static QuantityValue Quantity(string raw)
    {
        var parts = SearchEscaping.Split(raw, '|');
        if (parts.Count is not (1 or 3))
        {
            throw SearchParameterException.Invalid($"'{raw}' is not a quantity: expected [prefix]number or [prefix]number|system|code.");
        }

        var (prefix, text) = SplitPrefix(parts[0]);
        var value = Decimal(text, raw);
        return parts.Count == 1
            ? new QuantityValue(prefix, value, null, null)
            : new QuantityValue(prefix, value, EmptyToNull(SearchEscaping.Unescape(parts[1])), EmptyToNull(SearchEscaping.Unescape(parts[2])));
    }

    private static ReferenceValue Reference(SearchParameterInfo parameter, string text, Uri? baseUrl, string? referenceType)
    {
        var value = text switch
        {
            _ when ReferenceText.IsAbsolute(text) => Absolute(text, baseUrl),
            _ when ReferenceText.TryParseRelative(text, out var type, out var id) => new ReferenceValue(type, id, null),
            _ when ReferenceText.IsValidId(text) => new ReferenceValue(referenceType, text, null),
            _ => throw SearchParameterException.Invalid($"'{text}' is not a reference: expected Type/id, id or an absolute URL."),
        };

        if (referenceType is not null && value.Type != referenceType)
        {
            throw SearchParameterException.Invalid($"'{text}' does not point at a {referenceType} as the :{referenceType} modifier requires.");
        }

        if (value.Type is not null && parameter.Targets.Count > 0 && !parameter.Targets.Contains(value.Type))
        {
            throw SearchParameterException.Invalid(
                $"'{parameter.Name}' cannot point at a {value.Type}; its targets are {string.Join(", ", parameter.Targets)}.");
        }

        return value;
    }

    private static ReferenceValue Absolute(string url, Uri? baseUrl)
    {
        var root = baseUrl?.AbsoluteUri.TrimEnd('/') + "/";
        if (baseUrl is null || !url.StartsWith(root, StringComparison.OrdinalIgnoreCase))
        {
            return new ReferenceValue(null, null, url);
        }

        return ReferenceText.TryParseRelative(url[root.Length..], out var type, out var id)
            ? new ReferenceValue(type, id, null)
            : throw SearchParameterException.Invalid($"'{url}' is on this server but is not a Type/id reference.");
    }

    private static (SearchPrefix Prefix, string Text) SplitPrefix(string raw)
    {
        if (raw.Length < 2 || !char.IsAsciiLetterLower(raw[0]) || !char.IsAsciiLetterLower(raw[1]))
        {
            return (SearchPrefix.Eq, raw);
        }

        return Prefixes.TryGetValue(raw[..2], out var prefix)
            ? (prefix, raw[2..])
            : throw SearchParameterException.Invalid($"'{raw}' is not a valid value: '{raw[..2]}' is not a search prefix (eq, ne, gt, lt, ge, le, sa, eb, ap) and a value starts with a digit.");
    }

    private static decimal Decimal(string text, string raw) =>
        text.Length > 0 && (char.IsAsciiDigit(text[0]) || text[0] is '-' or '+' or '.')
        && decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw SearchParameterException.Invalid($"'{raw}' is not a number.");

    private static string? EmptyToNull(string text) => text.Length == 0 ? null : text;
}
