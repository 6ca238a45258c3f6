using FhirBridge.Cli.Seed;
using FhirBridge.Core.Fhir;
using Hl7.Fhir.Model;

namespace FhirBridge.Cli.Tests;

/// <summary><c>fhirbridge seed</c>: the generator is deterministic, realistic enough, and knows its candidate answer; the command's usage errors.</summary>
public sealed class SeedTests
{
    private static readonly DateOnly AsOf = new(2026, 6, 30);

    private static string Json(PopulationGenerator generator) => string.Join("\n", generator.Resources().Select(r => FhirSerializer.ToJson(r)));

    [Fact]
    public void Same_seed_gives_the_same_population_and_another_seed_another()
    {
        var first = Json(new PopulationGenerator(new SeedOptions(300, 5, AsOf)));

        Assert.Equal(first, Json(new PopulationGenerator(new SeedOptions(300, 5, AsOf))));
        Assert.NotEqual(first, Json(new PopulationGenerator(new SeedOptions(300, 6, AsOf))));
    }

    [Fact]
    public void A_client_is_the_same_whether_made_alone_or_with_the_population()
    {
        var generator = new PopulationGenerator(new SeedOptions(500, 9, AsOf));

        Assert.Equal(generator.Clients.ElementAt(321), generator.Client(321), ClientComparer.Instance);
    }

    [Fact]
    public void Identity_codes_are_valid_test_codes_with_9_as_the_8th_character()
    {
        const string checks = "0123456789ABCDEFHJKLMNPRSTUVWXY";
        var patients = new PopulationGenerator(new SeedOptions(400, 3, AsOf)).Resources().OfType<Patient>().ToList();

        Assert.Equal(400, patients.Count);
        Assert.All(patients, p =>
        {
            var code = Assert.Single(p.Identifier, i => i.System == "urn:oid:1.2.246.21").Value;
            Assert.Matches("^[0-9]{6}[-A][0-9]{3}[0-9A-Y]$", code);
            Assert.NotNull(code);
            Assert.Equal('9', code[7]);
            Assert.Equal(checks[(int)(long.Parse(code[..6] + code[7..10], System.Globalization.CultureInfo.InvariantCulture) % 31)], code[10]);
            Assert.Equal(p.BirthDate![8..10] + p.BirthDate[5..7] + p.BirthDate[2..4], code[..6]);
        });
    }

    [Fact]
    public void A_population_has_both_sectors_every_episode_state_frequent_users_and_flags()
    {
        var generator = new PopulationGenerator(new SeedOptions(2000, 11, AsOf));
        var resources = generator.Resources().ToList();

        Assert.Equal(
            Enum.GetValues<EpisodeOfCare.EpisodeOfCareStatus>().Where(s => s != EpisodeOfCare.EpisodeOfCareStatus.EnteredInError).Order(),
            resources.OfType<EpisodeOfCare>().Select(e => e.Status!.Value).Distinct().Order());
        Assert.Contains(resources.OfType<Encounter>(), e => e.ServiceType?.Coding[0].Code == "social-work");
        Assert.Contains(resources.OfType<Encounter>(), e => e.Class?.Code == "EMER");
        Assert.Contains(resources.OfType<Flag>(), f => string.CompareOrdinal(f.Period?.End, "2026-06-30") < 0);
        Assert.Contains(resources.OfType<Flag>(), f => string.CompareOrdinal(f.Period?.End, "2026-06-30") >= 0);
        Assert.InRange(generator.ExpectedCandidates(8, 6, AsOf).Count, 40, 110);
        Assert.All(new[] { "CareTeam", "Consent", "CarePlan", "Observation", "Practitioner", "PractitionerRole", "Organization" },
            type => Assert.Contains(resources, r => r.TypeName == type));
        Assert.Equal(resources.Count, resources.Select(r => $"{r.TypeName}/{r.Id}").Distinct().Count());
    }

    [Fact]
    public void Expected_candidates_count_emergency_visits_in_the_window_and_leave_out_excluded_clients()
    {
        var generator = new PopulationGenerator(new SeedOptions(1000, 4, AsOf));
        var from = new DateTimeOffset(AsOf.AddMonths(-6).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var clients = generator.Clients.ToDictionary(c => c.Id);

        var expected = generator.ExpectedCandidates(8, 6, AsOf);

        Assert.NotEmpty(expected);
        Assert.All(expected, e =>
        {
            var client = clients[e.PatientId];
            Assert.False(client.IsExcluded(AsOf));
            Assert.Equal(client.Visits.Count(v => v.Kind == VisitKind.Emergency && v.Start >= from), e.Count);
            Assert.True(e.Count > 8);
        });
        Assert.Equal(expected.OrderByDescending(e => e.Count).ThenBy(e => e.PatientId, StringComparer.Ordinal), expected);
        Assert.Contains(clients.Values, c => c.IsExcluded(AsOf) && c.Visits.Count(v => v.Kind == VisitKind.Emergency && v.Start >= from) > 8);
        Assert.True(generator.ExpectedCandidates(3, 6, AsOf).Count > expected.Count);
        Assert.True(generator.ExpectedCandidates(8, 6, AsOf, generator.Directory.Emergency).Count < expected.Count);
    }

    [Theory]
    [InlineData(new[] { "seed", "--patients", "10" }, "--server is required")]
    [InlineData(new[] { "seed", "--server", "http://localhost:5000/fhir" }, "--patients is required")]
    [InlineData(new[] { "seed", "--server", "ftp://x/fhir", "--patients", "1" }, "is not an http(s) URL")]
    [InlineData(new[] { "seed", "--server", "http://localhost:5000/fhir", "--patients", "0" }, "--patients '0' must be a whole number from 1")]
    [InlineData(new[] { "seed", "--server", "http://localhost:5000/fhir", "--patients", "1", "--as-of", "30.6.2026" }, "--as-of '30.6.2026' is not a date")]
    [InlineData(new[] { "seed", "--server", "https://fhir.example.fi/fhir", "--patients", "1" }, "--token is required for a server that is not on this machine")]
    public void Seed_usage_errors_exit_2_and_say_what_is_wrong(string[] args, string message)
    {
        var result = Cli.Run(args);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Seed_against_a_server_that_is_not_there_exits_1()
    {
        var result = Cli.Run("seed", "--server", "http://127.0.0.1:1/fhir", "--patients", "1", "--token", "x");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("fhirbridge seed: ", result.Error, StringComparison.Ordinal);
    }

    private sealed class ClientComparer : IEqualityComparer<SeedClient>
    {
        public static readonly ClientComparer Instance = new();

        public bool Equals(SeedClient? x, SeedClient? y) =>
            x is not null && y is not null && x with { Visits = [], Episode = null } == y with { Visits = [], Episode = null }
            && x.Visits.SequenceEqual(y.Visits) && x.Episode?.Id == y.Episode?.Id && x.Episode?.Status == y.Episode?.Status;

        public int GetHashCode(SeedClient obj) => obj.Id.GetHashCode(StringComparison.Ordinal);
    }
}
