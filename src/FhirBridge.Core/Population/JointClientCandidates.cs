using FhirBridge.Core.Operations;
using FhirBridge.Core.Search;
using FhirBridge.Core.Security;
using FhirBridge.Core.Storage;
using Hl7.Fhir.Model;

namespace FhirBridge.Core.Population;

/// <summary>Configuration of <see cref="JointClientCandidates"/>.</summary>
/// <param name="ServiceTypes">Encounter.serviceType codes ("system|code") counted as emergency visits besides class EMER.</param>
public sealed record CandidateSettings(IReadOnlyList<string> ServiceTypes)
{
    public static CandidateSettings Default { get; } = new([]);
}

/// <summary>One client the review lists: the visits counted, oldest first.</summary>
public sealed record Candidate(string PatientId, IReadOnlyList<string> Encounters);

/// <summary>
/// Patient/$joint-client-candidates (identification, tunnistaminen): clients with more than <c>threshold</c> emergency
/// visits in the window before the as-of date, without an active or planned joint-client episode and without a justified
/// reason Flag in force. Counting uses store searches (paged) and in-memory grouping; each run is kept as a List so the
/// next review (every 3 months) knows when the last one was.
/// </summary>
public sealed class JointClientCandidates(
    GuardedStore store, IResourceService resources, AccessPolicy policy, PageSizes pageSizes, TimeProvider time, CandidateSettings settings)
{
    public const string Name = "$joint-client-candidates";

    public const int DefaultThreshold = 8;
    public const string DefaultWindow = "6mo";

    /// <summary>The review is repeated every 3 months (the pilots' rhythm).</summary>
    public const int ReviewIntervalMonths = 3;

    public static readonly IReadOnlyList<string> Parameters = ["threshold", "window", "as-of", "organization"];

    private readonly PopulationAccess _access = new(policy, store.Trail);

    public async Task<Parameters> FindAsync(OperationInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var threshold = input.Integer("threshold", DefaultThreshold, 0);
        var now = time.GetUtcNow();
        var asOf = input.Date("as-of", DateOnly.FromDateTime(now.UtcDateTime));
        var from = input.Duration("window", DefaultWindow)(asOf);
        var requested = input.Reference("organization", "Organization");

        var (organizations, candidates, lastReview) = await store.ReadAsync(
            async (guarded, token) =>
            {
                var session = guarded.ForInternalLookups();
                var organizations = await _access.OrganizationsAsync(session, requested, Name, token);
                var visits = await VisitsAsync(session, from, asOf, organizations, token);
                var excluded = await ExcludedAsync(session, asOf, token);
                var found = visits
                    .Where(v => v.Value.Count > threshold && !excluded.Contains(v.Key))
                    .OrderByDescending(v => v.Value.Count).ThenBy(v => v.Key, StringComparer.Ordinal)
                    .ToList();
                foreach (var (patient, encounters) in found)
                {
                    encounters.ForEach(e => _access.Used(e, patient));
                }

                var candidates = found.Select(v => new Candidate(v.Key, [.. v.Value.Select(e => $"Encounter/{e.Id}")])).ToList();
                return (organizations, candidates, await LastReviewAsync(session, Scope(organizations), token));
            },
            cancellationToken);

        var run = await resources.CreateAsync("List", ReviewRun(now, Scope(organizations), threshold, input.Text("window") ?? DefaultWindow, asOf, candidates.Count), null, cancellationToken);
        return Result(threshold, from, asOf, organizations, candidates, lastReview, now, run.Stored.Id);
    }

    private async Task<Dictionary<string, List<StoredResource>>> VisitsAsync(
        IStoreSession session, DateOnly from, DateOnly asOf, IReadOnlyList<string>? organizations, CancellationToken cancellationToken)
    {
        // Window and organisation are applied in memory, not as date/service-provider criteria: on SQLite a second criterion
        // next to the class token on Encounter takes minutes at 10 000 clients (docs/outcomes.md); the class search alone, seconds.
        var found = await PopulationData.AllAsync<Encounter>(
            session, _access.Query("Encounter", pageSizes, ("class", $"{PopulationCodes.ActCodeSystem}|{PopulationCodes.Emergency}")), cancellationToken);
        if (settings.ServiceTypes.Count > 0)
        {
            // service-type is the package's own SearchParameter (profiles/SearchParameter-Encounter-service-type.json).
            var byService = _access.Query("Encounter", pageSizes, ("service-type", string.Join(',', settings.ServiceTypes)));
            found = [.. found.Concat(await PopulationData.AllAsync<Encounter>(session, byService, cancellationToken)).DistinctBy(e => e.Stored.Id)];
        }

        if (organizations is not null)
        {
            var wanted = organizations.ToHashSet(StringComparer.Ordinal);
            found = [.. found.Where(e => ReferenceText.Canonical(e.Resource.ServiceProvider?.Reference) is { } provider && wanted.Contains(provider))];
        }

        var start = PopulationData.Midnight(from);
        var end = PopulationData.Midnight(asOf.AddDays(1));
        return found
            .Select(e => (Patient: PopulationData.PatientOf(e.Resource.Subject), e.Stored, Start: PopulationData.Start(e.Resource.Period?.Start), e.Resource))
            .Where(e => e.Patient is not null && PopulationData.IsVisit(e.Resource) && e.Start >= start && e.Start < end)
            .GroupBy(e => e.Patient!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderBy(e => e.Start).ThenBy(e => e.Stored.Id, StringComparer.Ordinal).Select(e => e.Stored).ToList(), StringComparer.Ordinal);
    }

    /// <summary>Clients in an active or planned joint-client episode, or with a justified-reason Flag in force on the as-of date.</summary>
    private async Task<HashSet<string>> ExcludedAsync(IStoreSession session, DateOnly asOf, CancellationToken cancellationToken)
    {
        var episodes = await PopulationData.AllAsync<EpisodeOfCare>(
            session,
            _access.Query("EpisodeOfCare", pageSizes, ("type", $"{PopulationCodes.EpisodeTypeSystem}|{PopulationCodes.JointClient}"), ("status", "active,planned")),
            cancellationToken);
        var flags = await PopulationData.AllAsync<Flag>(
            session,
            // Flag?code is the package's own SearchParameter (profiles/SearchParameter-Flag-code.json); R4 has no status parameter on Flag.
            _access.Query("Flag", pageSizes, ("code", $"{PopulationCodes.IdentificationSystem}|{PopulationCodes.JustifiedReason}")),
            cancellationToken);
        var day = PopulationData.Midnight(asOf);
        var inForce = flags.Where(f => f.Resource.Status == Flag.FlagStatus.Active
            && (PopulationData.Start(f.Resource.Period?.Start) is not { } start || start < day.AddDays(1))
            && (PopulationData.End(f.Resource.Period?.End) is not { } expiry || expiry > day));
        return episodes.Select(e => PopulationData.PatientOf(e.Resource.Patient))
            .Concat(inForce.Select(f => PopulationData.PatientOf(f.Resource.Subject)))
            .OfType<string>()
            .ToHashSet(StringComparer.Ordinal);
    }

    private async Task<DateTimeOffset?> LastReviewAsync(IStoreSession session, string scope, CancellationToken cancellationToken)
    {
        var query = _access.Query(
            "List", pageSizes,
            ("code", $"{PopulationCodes.IdentificationSystem}|{PopulationCodes.CandidateReview}"),
            ("identifier", $"{PopulationCodes.ReviewScopeSystem}|{SearchEscaping.Escape(scope)}"),
            ("_sort", "-date")) with { Count = 1 };
        var page = await session.SearchAsync(query, cancellationToken);
        return page.Matches.FirstOrDefault() is { Json: { } json } ? ((List)Fhir.FhirSerializer.ParseJson(json)).DateElement?.ToDateTimeOffset(TimeSpan.Zero) : null;
    }

    private static string Scope(IReadOnlyList<string>? organizations) =>
        organizations is null ? PopulationCodes.AllOrganizations : string.Join(',', organizations);

    private static List ReviewRun(DateTimeOffset now, string scope, int threshold, string window, DateOnly asOf, int count) => new()
    {
        Status = List.ListStatus.Current,
        Mode = ListMode.Snapshot,
        Title = "Joint-client candidate review",
        Code = new CodeableConcept(PopulationCodes.IdentificationSystem, PopulationCodes.CandidateReview, "Joint-client candidate review"),
        Identifier = [new Identifier(PopulationCodes.ReviewScopeSystem, scope)],
        DateElement = new FhirDateTime(now),
        // The run keeps its criteria and count, not the clients: the list is reproducible and a review record is no client data.
        Note = [new Annotation { Text = $"threshold={threshold}; window={window}; as-of={PopulationData.Day(asOf)}; candidates={count}" }],
    };

    private static Parameters Result(
        int threshold, DateOnly from, DateOnly asOf, IReadOnlyList<string>? organizations, IReadOnlyList<Candidate> candidates,
        DateTimeOffset? lastReview, DateTimeOffset now, string runId)
    {
        var result = new Parameters();
        result.Add("threshold", new Integer(threshold));
        result.Add("window-start", new Date(PopulationData.Day(from)));
        result.Add("as-of", new Date(PopulationData.Day(asOf)));
        foreach (var organization in organizations ?? [])
        {
            result.Add("organization", new ResourceReference(organization));
        }

        if (lastReview is { } last)
        {
            result.Add("last-review", new FhirDateTime(last));
        }

        result.Add("next-review", new Date(PopulationData.Day(DateOnly.FromDateTime(now.UtcDateTime).AddMonths(ReviewIntervalMonths))));
        result.Add("review", new ResourceReference($"List/{runId}"));
        result.Add("total", new Integer(candidates.Count));
        foreach (var candidate in candidates)
        {
            result.Parameter.Add(new Parameters.ParameterComponent
            {
                Name = "candidate",
                Part =
                [
                    new() { Name = "patient", Value = new ResourceReference($"Patient/{candidate.PatientId}") },
                    new() { Name = "count", Value = new Integer(candidate.Encounters.Count) },
                    .. candidate.Encounters.Select(e => new Parameters.ParameterComponent { Name = "encounter", Value = new ResourceReference(e) }),
                ],
            });
        }

        return result;
    }
}
