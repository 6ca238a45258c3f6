using Hl7.Fhir.Model;

namespace FhirBridge.Cli.Seed;

/// <summary>
/// A deterministic synthetic population: the same options give the same clients, visits, episodes and ids. Each client
/// is drawn from its own random stream (seed and index), so any client can be made alone and in any order. About 5 % of
/// clients are frequent emergency users (some just at the threshold); some have a joint-client episode in each state,
/// some a justified-reason flag in force or expired.
/// </summary>
public sealed class PopulationGenerator
{
    private static readonly EpisodeOfCare.EpisodeOfCareStatus[] EpisodeStates =
    [
        EpisodeOfCare.EpisodeOfCareStatus.Planned, EpisodeOfCare.EpisodeOfCareStatus.Waitlist, EpisodeOfCare.EpisodeOfCareStatus.Active,
        EpisodeOfCare.EpisodeOfCareStatus.Onhold, EpisodeOfCare.EpisodeOfCareStatus.Finished, EpisodeOfCare.EpisodeOfCareStatus.Cancelled,
    ];

    public PopulationGenerator(SeedOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Patients, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(options.Seed);
        Options = options;
        Directory = new SeedDirectory(options.Seed);
    }

    public SeedOptions Options { get; }

    /// <summary>The organisations and professionals every client's data refers to.</summary>
    public SeedDirectory Directory { get; }

    public IEnumerable<SeedClient> Clients => Enumerable.Range(0, Options.Patients).Select(Client);

    /// <summary>
    /// The clients $joint-client-candidates must list for these parameters: more than <paramref name="threshold"/> emergency
    /// visits from <paramref name="asOf"/> minus <paramref name="windowMonths"/> months to the end of <paramref name="asOf"/>
    /// (at <paramref name="organizationId"/> only, when given), not excluded; most visits first, then by id.
    /// </summary>
    public IReadOnlyList<ExpectedCandidate> ExpectedCandidates(int threshold, int windowMonths, DateOnly asOf, string? organizationId = null)
    {
        var from = Midnight(asOf.AddMonths(-windowMonths));
        var until = Midnight(asOf.AddDays(1));
        return Clients
            .Where(c => !c.IsExcluded(asOf))
            .Select(c => new ExpectedCandidate(c.Id, c.Visits.Count(v =>
                v.Kind == VisitKind.Emergency && v.Start >= from && v.Start < until && (organizationId is null || v.OrganizationId == organizationId))))
            .Where(c => c.Count > threshold)
            .OrderByDescending(c => c.Count).ThenBy(c => c.PatientId, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The directory as one transaction: load it before the clients.</summary>
    public Bundle DirectoryBundle() => Transaction(Directory.Resources());

    /// <summary>The clients as transactions of <paramref name="clientsPerBundle"/> clients each, in client order.</summary>
    public IEnumerable<Bundle> ClientBundles(int clientsPerBundle)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(clientsPerBundle, 1);
        return Clients.Chunk(clientsPerBundle).Select(Transaction);
    }

    /// <summary>
    /// One transaction with the resources of <paramref name="clients"/> (made by this generator or by hand, e.g. a test's
    /// own episodes and scores), referring to this population's directory.
    /// </summary>
    public Bundle Transaction(IEnumerable<SeedClient> clients)
    {
        var resources = new SeedResources(Directory);
        return Transaction(clients.SelectMany(resources.For));
    }

    /// <summary>Every resource of the population, directory first: what a loaded server holds.</summary>
    public IEnumerable<Resource> Resources()
    {
        var resources = new SeedResources(Directory);
        return Directory.Resources().Concat(Clients.SelectMany(resources.For));
    }

    // PUT with the generated ids: loading the same population again changes nothing but versions.
    private static Bundle Transaction(IEnumerable<Resource> resources) => new()
    {
        Type = Bundle.BundleType.Transaction,
        Entry = [.. resources.Select(r => new Bundle.EntryComponent
        {
            Resource = r,
            Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.PUT, Url = $"{r.TypeName}/{r.Id}" },
        })],
    };

    /// <summary>Client number <paramref name="index"/> (0-based).</summary>
    public SeedClient Client(int index)
    {
        var random = new Random(StreamSeed(Options.Seed, index));
        var id = $"{Directory.Prefix}-p{index}";
        var female = random.Next(2) == 0;
        var birth = new DateOnly(1940, 1, 1).AddDays(random.Next(365 * 65));
        var visits = new List<SeedVisit>();
        var profile = random.NextDouble();

        // 4 % frequent users above the default threshold, 1 % exactly at it (8 visits: not more than 8), the rest occasional.
        var emergency = profile < 0.04 ? random.Next(9, 17) : profile < 0.05 ? 8 : random.Next(0, 3);
        var recent = profile < 0.05;
        var mainEmergency = random.Next(4) == 0 ? Directory.SecondEmergency : Directory.Emergency;
        for (var i = 0; i < emergency; i++)
        {
            // Frequent users' visits fall inside the last 6 months; at most a few go to the other emergency department.
            var org = recent && i % 5 == 4 ? Other(mainEmergency) : mainEmergency;
            visits.Add(Visit(random, id, visits.Count, VisitKind.Emergency, recent ? random.Next(0, 175) : random.Next(0, 540), org));
        }

        AddVisits(random, id, visits, VisitKind.HealthCentre, random.Next(0, 4), Directory.HealthCentre);
        AddVisits(random, id, visits, VisitKind.SocialWork, random.Next(0, 3), Directory.SocialServices);
        if (random.Next(5) == 0)
        {
            AddVisits(random, id, visits, VisitKind.MentalHealth, random.Next(1, 4), Directory.HealthCentre);
        }

        var episode = profile < 0.05 ? random.Next(10) < 4 : random.Next(100) < 3;
        var flagged = profile < 0.05 && random.Next(100) < 15;
        return new SeedClient(
            id,
            TestIdentityCode.For(birth, index % 100),
            FinnishNames.Families[random.Next(FinnishNames.Families.Length)],
            (female ? FinnishNames.Female : FinnishNames.Male)[random.Next(FinnishNames.Female.Length)],
            female ? AdministrativeGender.Female : AdministrativeGender.Male,
            birth,
            FinnishNames.Municipalities[random.Next(FinnishNames.Municipalities.Length)],
            visits.OrderBy(v => v.Start).ToList(),
            episode ? Episode(random, id, index) : null,
            flagged ? Flag(random, id) : null);
    }

    private string Other(string emergency) => emergency == Directory.Emergency ? Directory.SecondEmergency : Directory.Emergency;

    private void AddVisits(Random random, string patientId, List<SeedVisit> visits, VisitKind kind, int count, string organizationId)
    {
        for (var i = 0; i < count; i++)
        {
            visits.Add(Visit(random, patientId, visits.Count, kind, random.Next(0, 540), organizationId));
        }
    }

    // daysBack counts from the as-of date; the hour keeps every visit inside its UTC day.
    private SeedVisit Visit(Random random, string patientId, int number, VisitKind kind, int daysBack, string organizationId) =>
        new($"{patientId}-e{number}", kind, Midnight(Options.AsOf.AddDays(-daysBack)).AddHours(random.Next(6, 21)), organizationId);

    private SeedEpisode Episode(Random random, string patientId, int index)
    {
        var status = EpisodeStates[(index + random.Next(EpisodeStates.Length)) % EpisodeStates.Length];
        var start = Options.AsOf.AddDays(-random.Next(30, 420));
        // An episode on hold was paused before its plan meeting: the plan rules create or activate plans only in active
        // clientships, so a seeded on-hold episode with an open plan could not be written in one go.
        DateOnly? planned = status is EpisodeOfCare.EpisodeOfCareStatus.Active or EpisodeOfCare.EpisodeOfCareStatus.Finished
            ? start.AddDays(random.Next(7, 15))
            : null;
        DateOnly? end = status is EpisodeOfCare.EpisodeOfCareStatus.Finished or EpisodeOfCare.EpisodeOfCareStatus.Cancelled
            ? Min(start.AddDays(random.Next(60, 300)), Options.AsOf.AddDays(-1))
            : null;
        if (planned is { } activated && end is { } ended && activated >= ended)
        {
            planned = null;
        }

        var scores = new Dictionary<string, IReadOnlyList<(DateOnly, int)>>(StringComparer.Ordinal);
        if (planned is { } first)
        {
            var last = end ?? Min(first.AddDays(70), Options.AsOf);
            foreach (var domain in Core.Population.PopulationCodes.WhoqolDomains)
            {
                var score = random.Next(20, 70);
                scores[domain] = last > first ? [(first, score), (last, Math.Clamp(score + random.Next(-10, 26), 0, 100))] : [(first, score)];
            }
        }

        return new SeedEpisode($"{patientId}-eoc", status, start, end, planned, scores);
    }

    // About half of the flags have expired by the as-of date: those clients are candidates again.
    private SeedFlag Flag(Random random, string patientId)
    {
        var start = Options.AsOf.AddDays(-random.Next(60, 400));
        return new SeedFlag($"{patientId}-flag", start, start.AddDays(random.Next(30, 500)));
    }

    // SplitMix64 of (seed, index): neighbouring clients get unrelated streams (System.Random's nearby seeds correlate).
    private static int StreamSeed(int seed, int index)
    {
        var z = unchecked(((ulong)seed << 32) + (ulong)index + 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return (int)((z ^ (z >> 31)) & int.MaxValue);
    }

    private static DateOnly Min(DateOnly a, DateOnly b) => a < b ? a : b;

    private static DateTimeOffset Midnight(DateOnly date) => new(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
}
