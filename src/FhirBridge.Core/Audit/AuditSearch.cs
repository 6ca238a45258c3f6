using System.Globalization;
using FhirBridge.Core.Errors;
using FhirBridge.Core.Fhir;
using FhirBridge.Core.Search;

namespace FhirBridge.Core.Audit;

/// <summary>
/// Reads the compliance search parameters of <c>GET [base]/AuditEvent</c> into an <see cref="AuditQuery"/>:
/// patient, agent, organization, date (with ge/gt/le/lt/eq), type, action, outcome, legal-basis, break-glass,
/// _count, _sort (date or -date) and the paging cursor. Anything else is a 400 naming the parameter.
/// </summary>
public static class AuditSearch
{
    public const string PageParameter = "_page";

    public static readonly IReadOnlyList<string> Parameters =
        ["patient", "agent", "organization", "date", "type", "action", "outcome", "legal-basis", "break-glass", "_count", "_sort", PageParameter];

    public static AuditQuery Parse(IReadOnlyList<KeyValuePair<string, string>> parameters, PageSizes pageSizes)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(pageSizes);
        var query = new AuditQuery(Count: pageSizes.Default);
        foreach (var (name, value) in parameters)
        {
            if (name is "_format" or "_pretty")
            {
                continue;
            }

            query = name switch
            {
                "patient" => query with { PatientId = ReferenceId(value, "Patient", name) },
                "agent" => query with { User = value },
                "organization" => query with { Organization = Oids.Bare(value) },
                "date" => WithDate(query, value),
                "type" => query with { Kind = Kind(value) },
                "action" => query with { Action = OneOf(value, name, "C", "R", "U", "D", "E") },
                "outcome" => query with { Outcome = OneOf(value, name, "0", "4", "8", "12") },
                "legal-basis" => query with { LegalBases = value.Split(',').Select(v => CodeOf(v, name)).ToList() },
                "break-glass" => query with { BreakGlass = Boolean(value, name) },
                "_count" => query with { Count = Count(value, pageSizes) },
                "_sort" => query with { OldestFirst = OneOf(value, name, "date", "-date") == "date" },
                PageParameter => query with { PageToken = value },
                _ => throw new BadRequestException(
                    $"Unknown AuditEvent search parameter '{name}'. Supported: {string.Join(", ", Parameters)}.", name),
            };
        }

        return query;
    }

    /// <summary>The id of "Type/id" or a bare id.</summary>
    public static string ReferenceId(string value, string type, string parameter)
    {
        if (ReferenceText.TryParseRelative(value, out var referenced, out var id) && referenced == type)
        {
            return id;
        }

        return ReferenceText.IsValidId(value)
            ? value
            : throw new BadRequestException($"Parameter '{parameter}' takes {type}/id or an id, not '{value}'.", parameter);
    }

    private static AuditQuery WithDate(AuditQuery query, string value)
    {
        DateValue date;
        try
        {
            date = SearchValueParser.Date(value);
        }
        catch (SearchParameterException)
        {
            throw new BadRequestException($"Parameter 'date' needs a FHIR date or dateTime, not '{value}'.", "date");
        }

        return date.Prefix switch
        {
            SearchPrefix.Eq => query with { RecordedFrom = date.Start, RecordedTo = date.End },
            SearchPrefix.Ge => query with { RecordedFrom = date.Start },
            SearchPrefix.Gt => query with { RecordedFrom = date.End },
            SearchPrefix.Le => query with { RecordedTo = date.End },
            SearchPrefix.Lt => query with { RecordedTo = date.Start },
            _ => throw new BadRequestException($"Parameter 'date' supports the prefixes eq, ge, gt, le and lt, not '{value[..2]}'.", "date"),
        };
    }

    private static AuditKind Kind(string value) => CodeOf(value, "type") switch
    {
        "access" or "rest" => AuditKind.Access,
        "disclosure" or AuditEntries.DisclosureTypeCode => AuditKind.Disclosure,
        _ => throw new BadRequestException($"Parameter 'type' is access (rest) or disclosure ({AuditEntries.DisclosureTypeCode}), not '{value}'.", "type"),
    };

    private static string CodeOf(string value, string parameter)
    {
        var code = value[(value.IndexOf('|', StringComparison.Ordinal) + 1)..];
        return code.Length > 0 ? code : throw new BadRequestException($"Parameter '{parameter}' has an empty code.", parameter);
    }

    private static string OneOf(string value, string parameter, params string[] allowed) =>
        allowed.Contains(value, StringComparer.Ordinal)
            ? value
            : throw new BadRequestException($"Parameter '{parameter}' is one of {string.Join(", ", allowed)}, not '{value}'.", parameter);

    private static bool Boolean(string value, string parameter) => OneOf(value, parameter, "true", "false") == "true";

    private static int Count(string value, PageSizes pageSizes) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count > 0
            ? Math.Min(count, pageSizes.Max)
            : throw new BadRequestException($"Parameter '_count' needs a positive whole number, not '{value}'.", "_count");
}
