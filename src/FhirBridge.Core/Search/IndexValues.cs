using Hl7.Fhir.Model;

namespace FhirBridge.Core.Search;

/// <summary>Maps one FHIRPath result value to the index entries of a parameter's type (https://hl7.org/fhir/R4/search.html#ptypes).</summary>
internal static class IndexValues
{
    private const string CurrencySystem = "urn:iso:std:iso:4217";

    public static IEnumerable<IndexEntry> From(SearchParameterInfo parameter, Base value)
    {
        var name = parameter.Name;
        return parameter.Type switch
        {
            SearchParamType.Token => Tokens(name, value),
            SearchParamType.String => Strings(name, value),
            SearchParamType.Date => Dates(name, value),
            SearchParamType.Reference => References(name, value),
            SearchParamType.Quantity => Quantities(name, value),
            SearchParamType.Uri => value is PrimitiveType { JsonValue: not null } p && Text(p) is { } uri ? [new UriIndex(name, uri)] : [],
            SearchParamType.Number => Numbers(name, value),
            _ => [],
        };
    }

    private static IEnumerable<IndexEntry> Tokens(string name, Base value)
    {
        switch (value)
        {
            case Coding coding:
                return Token(name, coding.System, coding.Code);
            case CodeableConcept concept:
                return concept.Coding.SelectMany(c => Token(name, c.System, c.Code));
            case Identifier identifier:
                return Token(name, identifier.System, identifier.Value);
            case ContactPoint contact:
                return Token(name, null, contact.Value);
            case PrimitiveType { JsonValue: bool flag }:
                return Token(name, null, flag ? "true" : "false");
            case PrimitiveType primitive:
                return Token(name, null, Text(primitive));
            default:
                return [];
        }
    }

    private static IEnumerable<IndexEntry> Token(string name, string? system, string? code) =>
        string.IsNullOrEmpty(system) && string.IsNullOrEmpty(code) ? [] : [new TokenIndex(name, NullIfEmpty(system), NullIfEmpty(code))];

    private static IEnumerable<IndexEntry> Strings(string name, Base value)
    {
        IEnumerable<string?> texts = value switch
        {
            HumanName n => [n.Family, .. n.Given, .. n.Prefix, .. n.Suffix, n.Text],
            Address a => [.. a.Line, a.City, a.District, a.State, a.PostalCode, a.Country, a.Text],
            PrimitiveType p => [Text(p)],
            _ => [],
        };
        return texts
            .Where(t => !string.IsNullOrWhiteSpace(t))
            .Select(t => new StringIndex(name, SearchText.Normalize(t!), t!));
    }

    private static IEnumerable<IndexEntry> Dates(string name, Base value)
    {
        switch (value)
        {
            case Period period:
                return [PeriodIndex(name, period)];
            case Timing timing:
                var events = timing.EventElement.SelectMany(e => Dates(name, e));
                return timing.Repeat?.Bounds is Period bounds ? events.Append(PeriodIndex(name, bounds)) : events;
            case PrimitiveType primitive when Text(primitive) is { } text && FhirDateRange.TryParse(text, out var start, out var end):
                return [new DateIndex(name, start, end)];
            default:
                return [];
        }
    }

    // A period's open ends reach to the beginning and end of time (https://hl7.org/fhir/R4/datatypes.html#Period).
    private static DateIndex PeriodIndex(string name, Period period)
    {
        var start = period.Start is { } s && FhirDateRange.TryParse(s, out var from, out _) ? from : DateTimeOffset.MinValue;
        var end = period.End is { } e && FhirDateRange.TryParse(e, out _, out var to) ? to : DateTimeOffset.MaxValue;
        return new DateIndex(name, start, end);
    }

    private static IEnumerable<IndexEntry> References(string name, Base value) => value switch
    {
        ResourceReference reference => Reference(name, reference) is { } entry ? [entry] : [],
        PrimitiveType primitive when Text(primitive) is { } url => [new ReferenceIndex(name, null, null, url)],
        _ => [],
    };

    private static ReferenceIndex? Reference(string name, ResourceReference reference)
    {
        var text = NullIfEmpty(reference.Reference);
        string? type = null, id = null, url = null;
        if (text is null || ReferenceText.IsContained(text))
        {
            // Contained resources are not indexed as references of their container.
        }
        else if (ReferenceText.TryParseRelative(text, out var relativeType, out var relativeId))
        {
            (type, id) = (relativeType, relativeId);
        }
        else
        {
            url = text;
            if (ReferenceText.TryParseServedTail(text, out var tailType, out var tailId))
            {
                (type, id) = (tailType, tailId);
            }
        }

        var system = NullIfEmpty(reference.Identifier?.System);
        var identifier = NullIfEmpty(reference.Identifier?.Value);
        return type is null && url is null && system is null && identifier is null
            ? null
            : new ReferenceIndex(name, type, id, url, system, identifier);
    }

    private static IEnumerable<IndexEntry> Quantities(string name, Base value) => value switch
    {
        Quantity { Value: { } amount } q => [new QuantityIndex(name, amount, NullIfEmpty(q.System), NullIfEmpty(q.Code), NullIfEmpty(q.Unit))],
        Money { Value: { } amount } m => [new QuantityIndex(name, amount, CurrencySystem, m.CurrencyElement?.JsonValue as string, null)],
        _ => [],
    };

    private static IEnumerable<IndexEntry> Numbers(string name, Base value) => value is PrimitiveType { JsonValue: { } number } && number switch
    {
        int i => (decimal?)i,
        long l => l,
        decimal d => d,
        _ => null,
    } is { } n
        ? [new NumberIndex(name, n)]
        : [];

    private static string? Text(PrimitiveType primitive) => primitive.JsonValue switch
    {
        null => null,
        string s => NullIfEmpty(s),
        _ => NullIfEmpty(primitive.ToString()),
    };

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;
}
