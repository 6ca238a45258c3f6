using System.Globalization;
using FhirBridge.Core.Errors;
using FhirBridge.Core.Fhir;
using FhirBridge.Core.Operations;
using FhirBridge.Core.Search;
using FhirBridge.Core.Security;
using Hl7.Fhir.Model;

namespace FhirBridge.Core.Audit;

/// <summary>
/// What compliance officers and administrators do with the logs: search, read, the client's §11 report, the review
/// reports (break-glass; access without a care relationship), chain verification and the retention purge.
/// </summary>
public sealed class AuditLogService(IAuditLog log, AuditEventFactory factory, PageSizes pageSizes, TimeProvider time, int retentionYears)
{
    /// <summary>How far back the §11 report goes when the request gives no start (703/2023: two years).</summary>
    public static readonly int ReportYears = 2;

    /// <summary>Review reasons of <c>AuditEvent/$review</c>.</summary>
    public const string BreakGlassReview = "break-glass";

    public const string NoRelationshipReview = "no-care-relationship";

    // Bases that are not a care or client relationship: what a reviewer looks at.
    private static readonly IReadOnlyList<string> WithoutRelationship = [LegalBasis.ConsentCode, LegalBasis.BreakGlassCode, LegalBasis.NoneCode];

    public int RetentionYears => retentionYears;

    /// <summary>GET [base]/AuditEvent?…: a searchset Bundle with self and next links.</summary>
    public async Task<Bundle> SearchAsync(IReadOnlyList<KeyValuePair<string, string>> parameters, Uri baseUrl, CancellationToken cancellationToken)
    {
        var query = AuditSearch.Parse(parameters, pageSizes);
        return Searchset(baseUrl, "AuditEvent", parameters, await log.SearchAsync(query, cancellationToken));
    }

    /// <summary>GET [base]/AuditEvent/$review?reason=break-glass|no-care-relationship plus any search parameter.</summary>
    public async Task<Bundle> ReviewAsync(IReadOnlyList<KeyValuePair<string, string>> parameters, Uri baseUrl, CancellationToken cancellationToken)
    {
        var reason = parameters.Where(p => p.Key == "reason").Select(p => p.Value).SingleOrDefault()
            ?? throw new BadRequestException($"$review needs reason={BreakGlassReview} or reason={NoRelationshipReview}.", "reason");
        var query = AuditSearch.Parse(parameters.Where(p => p.Key != "reason").ToList(), pageSizes);
        query = reason switch
        {
            BreakGlassReview => query with { BreakGlass = true },
            NoRelationshipReview => query with { Kind = AuditKind.Access, LegalBases = WithoutRelationship },
            _ => throw new BadRequestException($"$review reason is {BreakGlassReview} or {NoRelationshipReview}, not '{reason}'.", "reason"),
        };
        return Searchset(baseUrl, "AuditEvent/$review", parameters, await log.SearchAsync(query, cancellationToken));
    }

    public async Task<AuditEvent> ReadAsync(string id, CancellationToken cancellationToken)
    {
        var entry = await log.GetAsync(id, cancellationToken) ?? throw new ResourceNotFoundException($"AuditEvent/{id} is not in the log.");
        return (AuditEvent)FhirSerializer.ParseJson(entry.Json);
    }

    /// <summary>Patient/[id]/$access-report?start=&amp;end=: every entry about the client in the period, oldest first.</summary>
    public async Task<AccessReport> ReportAsync(string patientId, IReadOnlyList<KeyValuePair<string, string>> parameters, CancellationToken cancellationToken)
    {
        var end = Date(parameters, "end", time.GetUtcNow(), upper: true);
        var start = Date(parameters, "start", end.AddYears(-ReportYears), upper: false);
        var entries = new List<AuditEntry>();
        var query = new AuditQuery(PatientId: patientId, RecordedFrom: start, RecordedTo: end, Count: pageSizes.Max, OldestFirst: true);
        for (string? token = null; ;)
        {
            var page = await log.SearchAsync(query with { PageToken = token }, cancellationToken);
            entries.AddRange(page.Entries);
            if ((token = page.NextPageToken) is null)
            {
                return AccessReport.From(patientId, start, end, entries);
            }
        }
    }

    /// <summary>AuditEvent/$verify-chain: the chain check as Parameters (intact, checked, and the first broken link).</summary>
    public async Task<Parameters> VerifyAsync(CancellationToken cancellationToken)
    {
        var report = await log.VerifyChainAsync(cancellationToken);
        var result = new Parameters();
        result.Add("intact", new FhirBoolean(report.Intact));
        result.Add("checked", new Integer(checked((int)report.Checked)));
        if (!report.Intact)
        {
            result.Add("firstBroken", new FhirString($"AuditEvent/{report.FirstBrokenId}"));
            result.Add("position", new Integer(report.FirstBrokenPosition is { } position ? checked((int)position) : null));
            result.Add("problem", new FhirString(report.Problem));
        }

        return result;
    }

    /// <summary>AuditEvent/$purge: removes entries older than the retention period; the purge is itself logged.</summary>
    public async Task<Parameters> PurgeAsync(Caller caller, CancellationToken cancellationToken)
    {
        var before = time.GetUtcNow().AddYears(-retentionYears);
        var beforeText = before.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var deleted = await log.PurgeAsync(
            before,
            count => factory.ForRequest(
                caller,
                new Interaction("operation", AuditEvent.AuditEventAction.D, "AuditEvent", $"$purge recorded-before={beforeText}"),
                [],
                new RequestOutcome(AuditEvent.AuditEventOutcome.N0, $"Purged {count} log entries recorded before {beforeText} (retention {retentionYears} years).")).Single(),
            cancellationToken);
        var result = new Parameters();
        result.Add("deleted", new Integer(deleted));
        result.Add("recordedBefore", new FhirDateTime(before));
        return result;
    }

    private static Bundle Searchset(Uri baseUrl, string path, IReadOnlyList<KeyValuePair<string, string>> parameters, AuditPage page)
    {
        var kept = parameters.Where(p => p.Key != AuditSearch.PageParameter).ToList();
        var bundle = new Bundle
        {
            Id = ResourceRules.NewId(),
            Type = Bundle.BundleType.Searchset,
            Timestamp = DateTimeOffset.UtcNow,
            Link = [new Bundle.LinkComponent { Relation = "self", Url = Link(baseUrl, path, parameters) }],
            Entry = page.Entries.Select(e => new Bundle.EntryComponent
            {
                FullUrl = $"{baseUrl}/AuditEvent/{e.Id}",
                Resource = FhirSerializer.ParseJson(e.Json),
                Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Match },
            }).ToList(),
        };
        if (page.NextPageToken is { } token)
        {
            bundle.Link.Add(new Bundle.LinkComponent { Relation = "next", Url = Link(baseUrl, path, [.. kept, new(AuditSearch.PageParameter, token)]) });
        }

        return bundle;
    }

    private static string Link(Uri baseUrl, string path, IReadOnlyList<KeyValuePair<string, string>> parameters) =>
        parameters.Count == 0 ? $"{baseUrl}/{path}" : $"{baseUrl}/{path}?{UrlQuery.Format(parameters)}";

    private static DateTimeOffset Date(IReadOnlyList<KeyValuePair<string, string>> parameters, string name, DateTimeOffset fallback, bool upper)
    {
        var text = parameters.Where(p => p.Key == name).Select(p => p.Value).LastOrDefault();
        if (text is null)
        {
            return fallback;
        }

        return FhirDateRange.TryParse(text, out var start, out var end)
            ? (upper ? end : start)
            : throw new BadRequestException($"Parameter '{name}' needs a FHIR date or dateTime, not '{text}'.", name);
    }
}
