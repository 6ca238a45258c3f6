using System.Globalization;
using System.Net;
using System.Text;
using FhirBridge.Core.Fhir;
using FhirBridge.Core.Security;
using Hl7.Fhir.Model;

namespace FhirBridge.Core.Audit;

/// <summary>
/// The §11 report of 703/2023: every access to and disclosure of one client's data in a period — who, from which
/// organisation, when, what and on what basis — as a FHIR Bundle, CSV or a readable HTML page.
/// </summary>
public sealed class AccessReport
{
    private static readonly string[] Header = ["recorded", "log", "interaction", "who", "organisation", "recipient", "what", "legal basis", "outcome"];

    private AccessReport(string patientId, DateTimeOffset start, DateTimeOffset end, IReadOnlyList<AuditEvent> events)
    {
        PatientId = patientId;
        Start = start;
        End = end;
        Events = events;
        Rows = events.Select(Row).ToList();
    }

    public string PatientId { get; }

    public DateTimeOffset Start { get; }

    public DateTimeOffset End { get; }

    /// <summary>The log entries, oldest first.</summary>
    public IReadOnlyList<AuditEvent> Events { get; }

    /// <summary>One line per entry, in <see cref="Header"/> order.</summary>
    public IReadOnlyList<string[]> Rows { get; }

    public static AccessReport From(string patientId, DateTimeOffset start, DateTimeOffset end, IEnumerable<AuditEntry> entries) =>
        new(patientId, start, end, entries.Select(e => (AuditEvent)FhirSerializer.ParseJson(e.Json)).ToList());

    /// <summary>A collection Bundle of the entries, oldest first.</summary>
    public Bundle ToBundle(Uri baseUrl) => new()
    {
        Id = Operations.ResourceRules.NewId(),
        Type = Bundle.BundleType.Collection,
        Timestamp = DateTimeOffset.UtcNow,
        Entry = Events.Select(e => new Bundle.EntryComponent { FullUrl = $"{baseUrl}/AuditEvent/{e.Id}", Resource = e }).ToList(),
    };

    /// <summary>RFC 4180 CSV with a header line.</summary>
    public string ToCsv()
    {
        var text = new StringBuilder();
        foreach (var row in Rows.Prepend(Header))
        {
            text.AppendJoin(',', row.Select(Csv)).Append("\r\n");
        }

        return text.ToString();
    }

    /// <summary>A self-contained HTML page for the client.</summary>
    public string ToHtml()
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Access report</title>")
            .Append("<style>body{font-family:sans-serif}table{border-collapse:collapse}td,th{border:1px solid #999;padding:4px;text-align:left}</style>")
            .Append("</head><body><h1>Who has used or received your data</h1>")
            .Append(CultureInfo.InvariantCulture, $"<p>Client: Patient/{Encode(PatientId)}. Period: {Encode(Day(Start))} – {Encode(Day(End))}. ")
            .Append(CultureInfo.InvariantCulture, $"Entries: {Rows.Count}. (Act 703/2023 §11: access log and disclosure log.)</p>")
            .Append("<table><thead><tr>");
        foreach (var name in Header)
        {
            html.Append("<th>").Append(Encode(name)).Append("</th>");
        }

        html.Append("</tr></thead><tbody>");
        foreach (var row in Rows)
        {
            html.Append("<tr>");
            foreach (var cell in row)
            {
                html.Append("<td>").Append(Encode(cell)).Append("</td>");
            }

            html.Append("</tr>");
        }

        return html.Append("</tbody></table></body></html>").ToString();
    }

    private static string[] Row(AuditEvent e)
    {
        var disclosure = e.Type?.Code == AuditEntries.DisclosureTypeCode;
        return
        [
            e.Recorded?.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "",
            disclosure ? "disclosure" : "access",
            string.Join(" ", e.Subtype.Select(s => s.Code)),
            Who(Agent(e, "user")),
            Who(Agent(e, disclosure ? "disclosing-controller" : "user-organization")),
            disclosure ? Who(Agent(e, "recipient")) : "",
            string.Join(" ", e.Entity.Where(x => x.Role?.Code is "4" or "13").Select(x => x.What?.Reference).OfType<string>()),
            Basis(e),
            e.Outcome == AuditEvent.AuditEventOutcome.N0 ? "success" : $"failed ({e.OutcomeDesc})",
        ];
    }

    private static AuditEvent.AgentComponent? Agent(AuditEvent e, string type) =>
        e.Agent.FirstOrDefault(a => a.Type?.Coding.Any(c => c.System == AuditEntries.AgentTypeSystem && c.Code == type) == true);

    private static string Who(AuditEvent.AgentComponent? agent)
    {
        if (agent?.Who is not { } who)
        {
            return "";
        }

        var identifier = who.Identifier is { } id ? (id.Value is null ? id.System : $"{id.System}|{id.Value}") : who.Reference;
        return who.Display is null ? identifier ?? "" : $"{who.Display} ({identifier})";
    }

    private static string Basis(AuditEvent e)
    {
        var purpose = e.PurposeOfEvent.FirstOrDefault(p => p.Coding.Any(c => c.System == LegalBasis.System));
        var code = purpose?.Coding.First(c => c.System == LegalBasis.System).Code ?? "";
        return purpose?.Text is { } text ? $"{code}: {text}" : code;
    }

    private static string Day(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Encode(string text) => WebUtility.HtmlEncode(text);

    // A leading = + - @ would make a spreadsheet run the cell as a formula: such cells start with an apostrophe.
    private static string Csv(string cell)
    {
        var safe = cell.Length > 0 && cell[0] is '=' or '+' or '-' or '@' ? "'" + cell : cell;
        return safe.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + safe.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : safe;
    }
}
