using System.Globalization;
using System.Net;
using FhirBridge.Cli.Seed;
using FhirBridge.Core.Population;
using FhirBridge.Core.Security;
using FhirBridge.Server.Tests.Infrastructure;
using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;
using Task = System.Threading.Tasks.Task;

namespace FhirBridge.Server.Tests;

/// <summary>Issue #6: identification of joint-client candidates and the outcome figures, on seeded and hand-made data.</summary>
public abstract partial class FhirApiTests
{
    private const string CandidatesPath = "/fhir/Patient/$joint-client-candidates";
    private const string OutcomesPath = "/fhir/EpisodeOfCare/$outcomes";

    private static readonly DateOnly SeedAsOf = new(2026, 6, 30);

    /// <summary>Seed 33 of 200 clients has, at its main emergency department, candidates, a frequent user in an active or planned episode,
    /// one with a justified reason in force, one whose reason expired, and one with exactly 8 visits.</summary>
    [Fact]
    public async Task Candidates_on_a_seeded_population_are_the_generators_known_answer()
    {
        var generator = new PopulationGenerator(new SeedOptions(200, 33, SeedAsOf));
        var emergency = generator.Directory.Emergency;
        var visits = generator.Clients.ToDictionary(c => c, c => c.Visits.Count(v =>
            v.Kind == VisitKind.Emergency && v.OrganizationId == emergency && v.Start >= Midnight(SeedAsOf.AddMonths(-6))));
        Assert.Contains(visits, v => v.Value > 8 && v.Key.Episode?.Status is EpisodeOfCare.EpisodeOfCareStatus.Active or EpisodeOfCare.EpisodeOfCareStatus.Planned);
        Assert.Contains(visits, v => v.Value > 8 && v.Key.Flag is { } f && f.Start <= SeedAsOf && f.End >= SeedAsOf);
        Assert.Contains(visits, v => v.Value > 8 && v.Key.Flag is { } f && f.End < SeedAsOf && !v.Key.IsExcluded(SeedAsOf));
        Assert.Contains(visits, v => v.Value == 8);
        var result = await new SeedLoader(Factory.CreateClient(), new Uri(Factory.BaseUrl + "/fhir"), TestTokens.System, 2).LoadAsync(generator, 10, default);
        Assert.Equal(200, result.Patients);

        using var http = Factory.CreateClient(TestTokens.System);
        var first = await CandidatesAsync(http, $"?as-of=2026-06-30&organization=Organization/{emergency}");
        var byThree = await CandidatesPostAsync(http, ("threshold", new Integer(3)), ("window", new FhirString("12mo")), ("as-of", new Date("2026-06-30")),
            ("organization", new ResourceReference($"Organization/{emergency}")));

        Assert.Equal(Known(generator.ExpectedCandidates(8, 6, SeedAsOf, emergency)), Candidates(first));
        Assert.Equal(3, generator.ExpectedCandidates(8, 6, SeedAsOf, emergency).Count);
        Assert.Equal(Known(generator.ExpectedCandidates(3, 12, SeedAsOf, emergency)), Candidates(byThree));
        Assert.All(first.Parameter.Where(p => p.Name == "candidate"), c =>
        {
            var patient = Reference(c.Part, "patient")["Patient/".Length..];
            var encounters = c.Part.Where(p => p.Name == "encounter").Select(p => Assert.IsType<ResourceReference>(p.Value).Reference!).ToList();
            Assert.Equal(Count(c.Part, "count"), encounters.Count);
            Assert.All(encounters, e => Assert.StartsWith($"Encounter/{patient}-e", e, StringComparison.Ordinal));
        });
    }

    /// <summary>More than the threshold counts; cancelled visits, visits before the window and clients with a justified reason in force do not.</summary>
    [Fact]
    public async Task Candidates_follow_the_threshold_window_and_exclusion_rules_and_log_each_candidate()
    {
        var org = await NewOrganizationAsync(FreshOid());
        var many = await ClientWithVisitsAsync(org, 9);
        var eight = await ClientWithVisitsAsync(org, 8);
        var justified = await ClientWithVisitsAsync(org, 9);
        var expired = await ClientWithVisitsAsync(org, 9);
        var cancelled = await ClientWithVisitsAsync(org, 9, cancelled: 1);
        var early = await ClientWithVisitsAsync(org, 9, beforeWindow: 1);
        await Client.CreateAsync(JustifiedReason(justified, "2026-01-01", "2026-12-31"));
        await Client.CreateAsync(JustifiedReason(expired, "2025-01-01", "2026-06-29"));
        var clientId = "population-" + FhirTest.Unique();
        using var http = Factory.CreateClient(TestTokens.For(CallerRole.SystemIntegration, scope: "system/*.cruds", clientId: clientId));
        var requestId = "candidates-" + FhirTest.Unique();

        var result = await CandidatesAsync(http, $"?as-of=2026-06-30&organization=Organization/{org}", requestId);

        Assert.Equal([(many, 9), (expired, 9)], Candidates(result).OrderBy(c => c.Patient == expired));
        Assert.Equal(2, Count(result.Parameter, "total"));
        Assert.DoesNotContain(Candidates(result), c => c.Patient == eight || c.Patient == justified || c.Patient == cancelled || c.Patient == early);
        var logged = await LogEntriesAsync($"https://fhirbridge.fi/fhir/sid/client-id|{clientId}", requestId);
        Assert.Equal(
            new[] { $"access:R:operation:{expired}:statutory-task:0", $"access:R:operation:{many}:statutory-task:0", "access:C:operation:-:statutory-task:0" }.Order(StringComparer.Ordinal),
            logged.Select(e => $"{e.Kind}:{e.Action}:{e.Subtype}:{e.Patient ?? "-"}:{e.Basis}:{e.Outcome}").Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_justified_reason_without_an_expiry_is_refused()
    {
        var patient = await Client.CreateAsync(FhirTest.Patient("Perusteltu"));
        var flag = JustifiedReason(patient!.Id!, "2026-01-01", "2026-12-31");
        flag.Period!.End = null;

        using var response = await Http.PostAsync("/fhir/Flag", FhirTest.Json(flag));

        var outcome = await FhirTest.AssertOutcomeAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.Contains(outcome.Issue, i => i.Expression.Contains("Flag.period.end") && i.Diagnostics!.Contains("JustifiedReasonFlag", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Each_run_is_kept_and_the_next_run_reports_the_last_review()
    {
        var org = await NewOrganizationAsync(FreshOid());
        using var http = Factory.CreateClient(TestTokens.System);

        var first = await CandidatesAsync(http, $"?organization=Organization/{org}");
        var second = await CandidatesAsync(http, $"?organization=Organization/{org}");

        Assert.DoesNotContain(first.Parameter, p => p.Name == "last-review");
        var run = Assert.IsType<List>(await Client.ReadAsync<List>(Reference(first.Parameter, "review")));
        Assert.Equal(run.DateElement?.Value, Part<FhirDateTime>(second.Parameter, "last-review").Value);
        Assert.Equal(PopulationCodes.CandidateReview, run.Code?.Coding.Single().Code);
        Assert.Equal($"Organization/{org}", run.Identifier.Single().Value);
        Assert.Contains("threshold=8; window=6mo;", run.Note.Single().Text ?? "", StringComparison.Ordinal);
        Assert.Equal(
            DateOnly.FromDateTime(DateTime.UtcNow).AddMonths(3).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            Part<Date>(second.Parameter, "next-review").Value);
    }

    [Fact]
    public async Task A_professional_reviews_their_own_organisation_only()
    {
        var oid = FreshOid();
        var own = await NewOrganizationAsync(oid);
        var other = await NewOrganizationAsync(FreshOid());
        var patient = await ClientWithVisitsAsync(own, 9);
        using var professional = Factory.CreateClient(TestTokens.For(CallerRole.Professional, oid, TestTokens.Professional, "user/*.cruds"));
        using var homeless = Factory.CreateClient(TestTokens.For(CallerRole.Professional, FreshOid(), TestTokens.Professional, "user/*.cruds"));

        var result = await CandidatesAsync(professional, "?as-of=2026-06-30");
        using var refused = await professional.GetAsync(CandidatesPath + $"?organization=Organization/{other}");
        using var noOrganization = await homeless.GetAsync(CandidatesPath);

        Assert.Equal($"Organization/{own}", Reference(result.Parameter, "organization"));
        Assert.Equal([(patient, 9)], Candidates(result));
        var outcome = await FhirTest.AssertOutcomeAsync(refused, HttpStatusCode.Forbidden);
        Assert.Equal(
            $"$joint-client-candidates: professionals may review only their own organisation (urn:oid:{oid}); Organization/{other} is another organisation.",
            outcome.Issue[0].Diagnostics);
        Assert.Contains("no Organization resource carries your organisation's identifier", (await FhirTest.AssertOutcomeAsync(noOrganization, HttpStatusCode.Forbidden)).Issue[0].Diagnostics, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("compliance-officer", "user/AuditEvent.rs", "The token grants no scope for r on Patient")]
    [InlineData("administrator", "user/*.cruds", "Administrators manage directory and configuration data, not client data (Patient).")]
    public async Task Candidates_are_refused_to_log_readers_and_administrators(string role, string scope, string message)
    {
        Assert.True(CallerRoles.TryParse(role, out var parsed));
        using var http = Factory.CreateClient(TestTokens.For(parsed, TestTokens.Organization, TestTokens.Professional, scope));

        using var response = await http.GetAsync(CandidatesPath);

        Assert.StartsWith(message, (await FhirTest.AssertOutcomeAsync(response, HttpStatusCode.Forbidden)).Issue[0].Diagnostics, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("?threshold=many", "$joint-client-candidates: parameter 'threshold' must be a whole number of at least 0, not 'many'.")]
    [InlineData("?window=6x", "$joint-client-candidates: parameter 'window' must be a length such as 6mo, 26wk, 180d or 1a (1 to 1200 units), not '6x'.")]
    [InlineData("?as-of=30.6.2026", "$joint-client-candidates: parameter 'as-of' must be a date YYYY-MM-DD, not '30.6.2026'.")]
    [InlineData("?organization=Patient/1", "$joint-client-candidates: parameter 'organization' must be a reference Organization/[id], not 'Patient/1'.")]
    [InlineData("?visits=9", "$joint-client-candidates has no parameter 'visits' (it takes threshold, window, as-of, organization).")]
    [InlineData("?threshold=3&threshold=4", "$joint-client-candidates: parameter 'threshold' may be given only once.")]
    public async Task Bad_candidate_parameters_are_a_400_naming_the_parameter(string query, string message)
    {
        using var response = await Http.GetAsync(CandidatesPath + query);

        Assert.Equal(message, (await FhirTest.AssertOutcomeAsync(response, HttpStatusCode.BadRequest)).Issue[0].Diagnostics);
    }

    [Fact]
    public async Task The_CapabilityStatement_declares_the_population_operations()
    {
        var rest = (await Client.CapabilityStatementAsync())!.Rest.Single();

        Assert.Contains(rest.Resource.Single(r => r.Type == "Patient").Operation, o =>
            o is { Name: "joint-client-candidates", Definition: "https://fhirbridge.fi/fhir/OperationDefinition/Patient-joint-client-candidates" });
        Assert.Contains(rest.Resource.Single(r => r.Type == "EpisodeOfCare").Operation, o =>
            o is { Name: "outcomes", Definition: "https://fhirbridge.fi/fhir/OperationDefinition/EpisodeOfCare-outcomes" });
        Assert.Contains(rest.Resource.Single(r => r.Type == "Flag").SearchParam, p => p.Name == "code");
        Assert.Contains(rest.Resource.Single(r => r.Type == "Encounter").SearchParam, p => p.Name == "service-type");
    }

    [Fact]
    public async Task Candidates_by_POST_need_a_Parameters_body()
    {
        using var response = await Http.PostAsync(CandidatesPath, FhirTest.Json(FhirTest.Patient("Väärä")));

        Assert.Equal("POST $joint-client-candidates takes a Parameters body.", (await FhirTest.AssertOutcomeAsync(response, HttpStatusCode.BadRequest)).Issue[0].Diagnostics);
    }

    /// <summary>The figures are computed here from the clients this test made, not by the server's code.</summary>
    [Fact]
    public async Task Outcomes_are_the_pilots_figures_over_episodes_finished_in_the_period()
    {
        var generator = new PopulationGenerator(new SeedOptions(1, Random.Shared.Next(1000, 1_000_000), new DateOnly(2026, 12, 31)));
        var d = generator.Directory;
        var clients = new[]
        {
            OutcomeClient(d, "a", EpisodeOfCare.EpisodeOfCareStatus.Finished, "2026-01-05", "2026-09-30", "2026-01-20",
                [("whoqol-physical", [("2026-01-20", 40), ("2026-05-01", 48), ("2026-09-20", 55)]), ("whoqol-psychological", [("2026-01-20", 50), ("2026-09-20", 45)]),
                 ("whoqol-social", [("2026-01-20", 30), ("2026-09-20", 60)]), ("whoqol-environment", [("2026-01-20", 61)])],
                [(VisitKind.Emergency, "2025-07-10"), (VisitKind.Emergency, "2025-08-01"), (VisitKind.Emergency, "2025-10-10"), (VisitKind.Emergency, "2025-12-24"),
                 (VisitKind.Emergency, "2026-01-10"), (VisitKind.Emergency, "2026-03-01"), (VisitKind.HealthCentre, "2026-02-01"), (VisitKind.HealthCentre, "2026-04-01"),
                 (VisitKind.HealthCentre, "2026-07-19"), (VisitKind.HealthCentre, "2026-08-01")]),
            OutcomeClient(d, "b", EpisodeOfCare.EpisodeOfCareStatus.Finished, "2026-02-20", "2026-11-15", "2026-03-10",
                [("whoqol-physical", [("2026-03-10", 60), ("2026-11-01", 58)]), ("whoqol-psychological", [("2026-03-10", 40), ("2026-11-01", 52)]),
                 ("whoqol-social", [("2026-03-10", 50), ("2026-11-01", 50)]), ("whoqol-environment", [("2026-03-10", 45), ("2026-11-01", 70)])],
                [(VisitKind.Emergency, "2025-11-01"), (VisitKind.Emergency, "2026-02-01"), (VisitKind.SocialWork, "2026-04-01"), (VisitKind.SocialWork, "2026-06-01")]),
            OutcomeClient(d, "c", EpisodeOfCare.EpisodeOfCareStatus.Finished, "2025-03-01", "2025-12-15", "2025-03-15",
                [("whoqol-physical", [("2025-03-15", 10), ("2025-12-01", 90)])], [(VisitKind.Emergency, "2025-03-01"), (VisitKind.Emergency, "2025-04-01")]),
            OutcomeClient(d, "d", EpisodeOfCare.EpisodeOfCareStatus.Active, "2026-01-10", null, "2026-02-01",
                [("whoqol-physical", [("2026-02-01", 20), ("2026-05-01", 80)])], [(VisitKind.Emergency, "2026-01-15")]),
            OutcomeClient(d, "e", EpisodeOfCare.EpisodeOfCareStatus.Finished, "2026-04-01", "2026-05-01", null, [], [(VisitKind.Emergency, "2026-04-15")]),
        };
        Assert.True((await Client.TransactionAsync(generator.DirectoryBundle()))!.Entry.Count > 0);
        Assert.True((await Client.TransactionAsync(generator.Transaction(clients)))!.Entry.Count > 0);

        using var response = await Http.GetAsync(OutcomesPath + $"?period=2026&organization=Organization/{d.County}");
        var report = await FhirTest.ReadAsync<Parameters>(response);

        var from = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var inPeriod = clients.Where(c => c.Episode!.Status == EpisodeOfCare.EpisodeOfCareStatus.Finished && Midnight(c.Episode.End!.Value) >= from && Midnight(c.Episode.End.Value) < from.AddYears(1)).ToList();
        Assert.Equal(3, inPeriod.Count);
        Assert.Equal(inPeriod.Count, Count(report.Parameter, "episodes"));
        foreach (var domain in PopulationCodes.WhoqolDomains)
        {
            var changes = inPeriod.Select(c => c.Episode!.Scores.GetValueOrDefault(domain, []))
                .Where(s => s.Count >= 2).Select(s => (decimal)(s[^1].Score - s[0].Score)).ToList();
            var part = report.Parameter.Single(p => p.Name == "whoqol-change" && Part<Coding>(p.Part, "domain").Code == domain).Part;
            var reported = part.Skip(1).ToDictionary(p => p.Name!, p => p.Value is Integer i ? i.Value!.Value : Assert.IsType<FhirDecimal>(p.Value).Value!.Value);
            var sorted = changes.Order().ToList();
            var median = sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
            Assert.Equal(new Dictionary<string, decimal>
            {
                ["n"] = changes.Count, ["min"] = changes.Min(), ["max"] = changes.Max(), ["mean"] = Math.Round(changes.Average(), 2), ["median"] = median,
            }, reported);
        }

        var expectedVisits = inPeriod.Where(c => c.Episode!.PlanActivated is not null)
            .SelectMany(c => c.Visits.Select(v => (v.Kind, Activated: Midnight(c.Episode!.PlanActivated!.Value), v.Start)))
            .Where(v => v.Start >= v.Activated.AddMonths(-6) && v.Start < v.Activated.AddMonths(6))
            .GroupBy(v => ServiceCode(v.Kind))
            .ToDictionary(g => g.Key, g => (Before: g.Count(v => v.Start < v.Activated), After: g.Count(v => v.Start >= v.Activated)));
        var reportedVisits = report.Parameter.Where(p => p.Name == "visits").ToDictionary(
            p => Part<Coding>(p.Part, "service").Code!,
            p => (Before: Count(p.Part, "before"), After: Count(p.Part, "after")));
        Assert.Equal(expectedVisits, reportedVisits);
        Assert.Equal((6, 1), reportedVisits["emergency"]);
    }

    [Theory]
    [InlineData("", "$outcomes needs a period: a year, month or day (e.g. 2026, 2026-06).")]
    [InlineData("?period=2026-13", "$outcomes: parameter 'period' must be a year, month or day (e.g. 2026, 2026-06, 2026-06-30), not '2026-13'.")]
    [InlineData("?period=2026&organization=x", "$outcomes: parameter 'organization' must be a reference Organization/[id], not 'x'.")]
    public async Task Bad_outcome_parameters_are_a_400(string query, string message)
    {
        using var response = await Http.GetAsync(OutcomesPath + query);

        Assert.Equal(message, (await FhirTest.AssertOutcomeAsync(response, HttpStatusCode.BadRequest)).Issue[0].Diagnostics);
    }

    [Fact]
    public async Task Outcomes_of_another_organisation_are_refused_to_a_professional()
    {
        var oid = FreshOid();
        await NewOrganizationAsync(oid);
        var other = await NewOrganizationAsync(FreshOid());
        using var professional = Factory.CreateClient(TestTokens.For(CallerRole.Professional, oid, TestTokens.Professional, "user/*.cruds"));

        using var refused = await professional.GetAsync(OutcomesPath + $"?period=2026&organization=Organization/{other}");
        using var own = await professional.GetAsync(OutcomesPath + "?period=2026");

        Assert.Equal(
            $"$outcomes: professionals may review only their own organisation (urn:oid:{oid}); Organization/{other} is another organisation.",
            (await FhirTest.AssertOutcomeAsync(refused, HttpStatusCode.Forbidden)).Issue[0].Diagnostics);
        Assert.Equal(0, Count((await FhirTest.ReadAsync<Parameters>(own)).Parameter, "episodes"));
    }

    private static string ServiceCode(VisitKind kind) => kind switch
    {
        VisitKind.Emergency => "emergency",
        VisitKind.HealthCentre => "health-centre",
        VisitKind.SocialWork => "social-work",
        _ => "mental-health",
    };

    private static SeedClient OutcomeClient(
        SeedDirectory directory, string name, EpisodeOfCare.EpisodeOfCareStatus status, string start, string? end, string? activated,
        (string Domain, (string When, int Score)[] Scores)[] scores, (VisitKind Kind, string Day)[] visits)
    {
        var id = $"{directory.Prefix}-{name}";
        var organization = (VisitKind kind) => kind == VisitKind.Emergency ? directory.Emergency : kind == VisitKind.SocialWork ? directory.SocialServices : directory.HealthCentre;
        return new SeedClient(
            id, "010190-900P", "Tulos", "Testi", AdministrativeGender.Female, new DateOnly(1990, 1, 1), ("109", "Hämeenlinna"),
            [.. visits.Select((v, i) => new SeedVisit($"{id}-e{i}", v.Kind, Midnight(DateOnly.Parse(v.Day, CultureInfo.InvariantCulture)).AddHours(12), organization(v.Kind)))],
            new SeedEpisode(
                $"{id}-eoc", status, DateOnly.Parse(start, CultureInfo.InvariantCulture), end is null ? null : DateOnly.Parse(end, CultureInfo.InvariantCulture),
                activated is null ? null : DateOnly.Parse(activated, CultureInfo.InvariantCulture),
                scores.ToDictionary(s => s.Domain, s => (IReadOnlyList<(DateOnly, int)>)[.. s.Scores.Select(x => (DateOnly.Parse(x.When, CultureInfo.InvariantCulture), x.Score))])),
            null);
    }

    private static IReadOnlyList<(string Patient, int Count)> Known(IReadOnlyList<ExpectedCandidate> expected) => [.. expected.Select(e => (e.PatientId, e.Count))];

    private static IReadOnlyList<(string Patient, int Count)> Candidates(Parameters result) =>
    [
        .. result.Parameter.Where(p => p.Name == "candidate").Select(c => (Reference(c.Part, "patient")["Patient/".Length..], Count(c.Part, "count"))),
    ];

    private static async Task<Parameters> CandidatesAsync(HttpClient http, string query, string? requestId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, CandidatesPath + query);
        request.Headers.Add("X-Request-Id", requestId ?? FhirTest.Unique());
        using var response = await http.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return await FhirTest.ReadAsync<Parameters>(response);
    }

    private static async Task<Parameters> CandidatesPostAsync(HttpClient http, params (string Name, DataType Value)[] parameters)
    {
        var body = new Parameters();
        foreach (var (name, value) in parameters)
        {
            body.Add(name, value);
        }

        using var response = await http.PostAsync(CandidatesPath, FhirTest.Json(body));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return await FhirTest.ReadAsync<Parameters>(response);
    }

    private static T Part<T>(IEnumerable<Parameters.ParameterComponent> parameters, string name)
        where T : DataType => Assert.IsType<T>(parameters.Single(p => p.Name == name).Value);

    private static int Count(IEnumerable<Parameters.ParameterComponent> parameters, string name) => Part<Integer>(parameters, name).Value!.Value;

    private static string Reference(IEnumerable<Parameters.ParameterComponent> parameters, string name) => Part<ResourceReference>(parameters, name).Reference!;

    private static string FreshOid() => $"1.2.246.10.{Random.Shared.Next(10_000_000, 99_999_999)}";

    private async Task<string> NewOrganizationAsync(string oid) =>
        (await Client.CreateAsync(new Organization { Name = "Päivystys " + oid, Identifier = [new Identifier("urn:ietf:rfc:3986", "urn:oid:" + oid)] }))!.Id!;

    /// <summary>A client with <paramref name="count"/> emergency visits at <paramref name="organization"/> in the 6 months before 2026-06-30.</summary>
    private async Task<string> ClientWithVisitsAsync(string organization, int count, int cancelled = 0, int beforeWindow = 0)
    {
        var patient = (await Client.CreateAsync(FhirTest.Patient("Päivystys")))!.Id!;
        await AddEmergencyVisitsAsync(patient, organization, count, cancelled, beforeWindow);
        return patient;
    }

    private async Task AddEmergencyVisitsAsync(string patient, string organization, int count, int cancelled = 0, int beforeWindow = 0)
    {
        var transaction = new Bundle { Type = Bundle.BundleType.Transaction };
        for (var i = 0; i < count; i++)
        {
            var day = i < beforeWindow ? new DateOnly(2025, 12, 29) : new DateOnly(2026, 1, 2).AddDays(i * 17);
            transaction.Entry.Add(new Bundle.EntryComponent
            {
                Resource = new Encounter
                {
                    Status = i < cancelled ? Encounter.EncounterStatus.Cancelled : Encounter.EncounterStatus.Finished,
                    Class = new Coding(PopulationCodes.ActCodeSystem, PopulationCodes.Emergency),
                    Subject = new ResourceReference($"Patient/{patient}"),
                    ServiceProvider = new ResourceReference($"Organization/{organization}"),
                    Period = new Period { StartElement = new FhirDateTime(Midnight(day).AddHours(9)), EndElement = new FhirDateTime(Midnight(day).AddHours(11)) },
                },
                Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "Encounter" },
            });
        }

        await Client.TransactionAsync(transaction);
    }

    private static Flag JustifiedReason(string patientId, string start, string end) => new()
    {
        Meta = new Meta { Profile = ["https://fhirbridge.fi/fhir/StructureDefinition/JustifiedReasonFlag"] },
        Status = Flag.FlagStatus.Active,
        Code = new CodeableConcept(PopulationCodes.IdentificationSystem, PopulationCodes.JustifiedReason),
        Subject = new ResourceReference($"Patient/{patientId}"),
        Period = new Period { Start = start, End = end },
    };

    private static DateTimeOffset Midnight(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
}
