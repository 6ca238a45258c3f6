using FhirBridge.Core.Errors;
using FhirBridge.Core.Search;
using FhirBridge.Core.Security;
using FhirBridge.Core.Storage;
using Hl7.Fhir.Model;

namespace FhirBridge.Core.Population;

/// <summary>
/// EpisodeOfCare/$outcomes: over joint-client episodes that ended in the period (managed by the organisation), per
/// WHOQOL-BREF domain the change from the first to the last score of each episode, and visits per service type in the 6
/// months before vs the 6 months after the multidisciplinary plan was activated — the figures the pilots report.
/// </summary>
public sealed class EpisodeOutcomes(GuardedStore store, AccessPolicy policy, PageSizes pageSizes)
{
    public const string Name = "$outcomes";

    /// <summary>Visits are compared over this many months on each side of the plan's activation.</summary>
    public const int VisitMonths = 6;

    public static readonly IReadOnlyList<string> Parameters = ["period", "organization"];

    private readonly PopulationAccess _access = new(policy, store.Trail);

    public async Task<Parameters> ReportAsync(OperationInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var periodText = input.Text("period") ?? throw new BadRequestException($"{Name} needs a period: a year, month or day (e.g. 2026, 2026-06).", "period");
        if (!FhirDateRange.TryParse(periodText, out var start, out var end) || periodText.Contains('T', StringComparison.Ordinal))
        {
            throw new BadRequestException($"{Name}: parameter 'period' must be a year, month or day (e.g. 2026, 2026-06, 2026-06-30), not '{periodText}'.", "period");
        }

        var requested = input.Reference("organization", "Organization");
        return await store.ReadAsync(
            async (guarded, token) =>
            {
                var session = guarded.ForInternalLookups();
                var organizations = await _access.OrganizationsAsync(session, requested, Name, token);
                var episodes = await FinishedAsync(session, periodText, start, end, organizations, token);
                var patients = episodes.Select(e => e.Patient).Distinct(StringComparer.Ordinal).ToList();
                var scores = Linked(episodes, await ByPatientAsync<Observation>(session, "Observation", patients, token));
                var plans = Linked(episodes, await ByPatientAsync<CarePlan>(session, "CarePlan", patients, token), p => p.Category.Any(c => c.Coding.Any(
                    x => x.System == PopulationCodes.PlanCategorySystem && x.Code == PopulationCodes.MultidisciplinaryPlan)));
                var visits = Visits(episodes, plans, await ByPatientAsync<Encounter>(session, "Encounter", patients, token));
                return Result(periodText, organizations, episodes.Count, Changes(scores), plans.Count, visits);
            },
            cancellationToken);
    }

    private sealed record Finished(string Reference, string Patient);

    private async Task<List<Finished>> FinishedAsync(
        IStoreSession session, string period, DateTimeOffset start, DateTimeOffset end, IReadOnlyList<string>? organizations, CancellationToken cancellationToken)
    {
        List<(string, string)> parameters =
        [
            ("type", $"{PopulationCodes.EpisodeTypeSystem}|{PopulationCodes.JointClient}"), ("status", "finished"), ("date", "ge" + period),
        ];
        if (organizations is not null)
        {
            parameters.Add(("organization", string.Join(',', organizations)));
        }

        var episodes = await PopulationData.AllAsync<EpisodeOfCare>(session, _access.Query("EpisodeOfCare", pageSizes, [.. parameters]), cancellationToken);
        var finished = new List<Finished>();
        foreach (var (stored, episode) in episodes)
        {
            if (PopulationData.Start(episode.Period?.End) is { } ended && ended >= start && ended < end && PopulationData.PatientOf(episode.Patient) is { } patient)
            {
                _access.Used(stored, patient);
                finished.Add(new Finished($"EpisodeOfCare/{stored.Id}", patient));
            }
        }

        return finished;
    }

    /// <summary>
    /// The clients' resources of <paramref name="type"/>, by subject only: on SQLite a second criterion next to the subject
    /// makes the search take seconds per query at 10 000 clients (docs/outcomes.md), so the rest is filtered in memory.
    /// </summary>
    private async Task<List<T>> ByPatientAsync<T>(IStoreSession session, string type, IReadOnlyList<string> patients, CancellationToken cancellationToken)
        where T : Resource
    {
        var found = new List<T>();
        foreach (var chunk in patients.Chunk(PopulationData.PatientChunk))
        {
            var query = _access.Query(type, pageSizes, ("subject", string.Join(',', chunk.Select(p => $"Patient/{p}"))));
            found.AddRange((await PopulationData.AllAsync<T>(session, query, cancellationToken)).Select(r => r.Resource));
        }

        return found;
    }

    /// <summary>The resources linked to one of the episodes (and passing <paramref name="keep"/>), by episode.</summary>
    private static ILookup<string, T> Linked<T>(IReadOnlyList<Finished> episodes, IEnumerable<T> resources, Func<T, bool>? keep = null)
        where T : DomainResource
    {
        var wanted = episodes.Select(e => e.Reference).ToHashSet(StringComparer.Ordinal);
        return resources
            .Where(r => keep?.Invoke(r) ?? true)
            .Select(r => (Episode: PopulationData.EpisodeOf(r), Resource: r))
            .Where(r => r.Episode is not null && wanted.Contains(r.Episode))
            .ToLookup(r => r.Episode!, r => r.Resource, StringComparer.Ordinal);
    }

    /// <summary>Per domain, each episode's last score minus its first (episodes with at least two scores).</summary>
    private static Dictionary<string, Summary?> Changes(ILookup<string, Observation> scores) =>
        PopulationCodes.WhoqolDomains.ToDictionary(
            domain => domain,
            domain => Summary.Of(scores
                .Select(episode => episode.Select(o => Score(o, domain)).OfType<(DateTimeOffset When, decimal Value)>().OrderBy(s => s.When).ToList())
                .Where(values => values.Count >= 2)
                .Select(values => values[^1].Value - values[0].Value)),
            StringComparer.Ordinal);

    /// <summary>A final score of <paramref name="domain"/> with its time, or null.</summary>
    private static (DateTimeOffset When, decimal Value)? Score(Observation observation, string domain) =>
        observation.Status is ObservationStatus.Final or ObservationStatus.Amended or ObservationStatus.Corrected
        && observation.Code.Coding.Any(c => c.System == PopulationCodes.OutcomeSystem && c.Code == domain)
        && observation.Value is Quantity { Value: { } value }
        && PopulationData.Start((observation.Effective as FhirDateTime)?.Value) is { } when
            ? (when, value)
            : null;

    /// <summary>Visits per service type (or class) in the months before and after each plan activation, summed over episodes.</summary>
    private static SortedDictionary<string, (Coding Coding, int Before, int After)> Visits(
        IReadOnlyList<Finished> episodes, ILookup<string, CarePlan> plans, IReadOnlyList<Encounter> encounters)
    {
        var byPatient = encounters.ToLookup(e => PopulationData.PatientOf(e.Subject) ?? "", StringComparer.Ordinal);
        var totals = new SortedDictionary<string, (Coding Coding, int Before, int After)>(StringComparer.Ordinal);
        foreach (var episode in episodes)
        {
            var activated = plans[episode.Reference]
                .Where(p => p.Status is RequestStatus.Active or RequestStatus.Completed or RequestStatus.Revoked)
                .Select(p => PopulationData.Start(p.Period?.Start))
                .OfType<DateTimeOffset>()
                .Order()
                .FirstOrDefault();
            if (activated == default)
            {
                continue;
            }

            var from = activated.AddMonths(-VisitMonths);
            var until = activated.AddMonths(VisitMonths);
            foreach (var encounter in byPatient[episode.Patient])
            {
                if (!PopulationData.IsVisit(encounter) || PopulationData.Start(encounter.Period?.Start) is not { } visit || visit < from || visit >= until)
                {
                    continue;
                }

                var coding = encounter.ServiceType?.Coding.FirstOrDefault() ?? encounter.Class;
                if (coding is null)
                {
                    continue;
                }

                var key = PopulationData.Key(coding);
                var (_, before, after) = totals.GetValueOrDefault(key, (coding, 0, 0));
                totals[key] = visit < activated ? (coding, before + 1, after) : (coding, before, after + 1);
            }
        }

        return totals;
    }

    private static Parameters Result(
        string period, IReadOnlyList<string>? organizations, int episodes, Dictionary<string, Summary?> changes, int withPlan,
        SortedDictionary<string, (Coding Coding, int Before, int After)> visits)
    {
        var result = new Parameters();
        result.Add("period", new FhirString(period));
        foreach (var organization in organizations ?? [])
        {
            result.Add("organization", new ResourceReference(organization));
        }

        result.Add("episodes", new Integer(episodes));
        foreach (var domain in PopulationCodes.WhoqolDomains)
        {
            List<Parameters.ParameterComponent> parts = [new() { Name = "domain", Value = new Coding(PopulationCodes.OutcomeSystem, domain) }];
            var summary = changes[domain];
            parts.Add(new() { Name = "n", Value = new Integer(summary?.N ?? 0) });
            if (summary is not null)
            {
                parts.AddRange(
                [
                    new() { Name = "min", Value = new FhirDecimal(summary.Min) },
                    new() { Name = "max", Value = new FhirDecimal(summary.Max) },
                    new() { Name = "mean", Value = new FhirDecimal(summary.Mean) },
                    new() { Name = "median", Value = new FhirDecimal(summary.Median) },
                ]);
            }

            result.Parameter.Add(new() { Name = "whoqol-change", Part = parts });
        }

        result.Add("episodes-with-plan", new Integer(withPlan));
        foreach (var (coding, before, after) in visits.Values)
        {
            result.Parameter.Add(new()
            {
                Name = "visits",
                Part =
                [
                    new() { Name = "service", Value = new Coding(coding.System, coding.Code, coding.Display) },
                    new() { Name = "before", Value = new Integer(before) },
                    new() { Name = "after", Value = new Integer(after) },
                ],
            });
        }

        return result;
    }
}
