using System.Net;
using FhirBridge.Core.Audit;
using FhirBridge.Core.Security;
using FhirBridge.Server.Tests.Infrastructure;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;

namespace FhirBridge.Server.Tests;

/// <summary>Issue #4: every interaction is logged exactly; the logs are read-only, queryable, reportable and tamper-evident.</summary>
public abstract partial class FhirApiTests
{
    private const string ComplianceUser = "urn:oid:1.2.246.537.26|900000001";

    private HttpClient Compliance => _compliance ??= Factory.CreateClient(TestTokens.For(CallerRole.ComplianceOfficer, TestTokens.Organization, ComplianceUser, "user/AuditEvent.rs"));

    private HttpClient? _compliance;

    /// <summary>Every data endpoint, called by a care-team member, writes exactly these entries ("kind:action:subtype:patient?:basis:outcome").</summary>
    [Fact]
    public async Task EveryEndpoint_WritesExactlyItsLogEntries()
    {
        var (s, hetu) = await ClientWithHetuAsync();
        await using var ehr = await RegisteredFakeSystem.EhrAsync(Factory);
        ehr.Fake.AddStatutoryPlan(hetu, NewDocumentOid(), "Terveys- ja hoitosuunnitelma");
        using var http = Factory.CreateClient(s.Token("member"));
        var plan = $"/fhir/CarePlan/{s.CarePlanId}";
        var tag = FhirTest.Unique();
        var newPlan = FhirTest.Json(new CarePlan
        {
            Status = RequestStatus.Draft,
            Intent = CarePlan.CarePlanIntent.Plan,
            Subject = new ResourceReference($"Patient/{s.PatientId}"),
            Identifier = [new Identifier(FhirTest.TestIdSystem, tag)],
        });
        var p = s.PatientId;
        // The member's own organisation as a resource, where the client made enough emergency visits to be a candidate.
        var ownOrganization = await NewOrganizationAsync(TestTokens.Organization);
        await AddEmergencyVisitsAsync(p, ownOrganization, 9);
        var calls = new (string Name, Func<HttpRequestMessage> Request, string[] Entries)[]
        {
            ("read", () => new(HttpMethod.Get, plan), [$"access:R:read:{p}:care-relationship:0"]),
            ("vread", () => new(HttpMethod.Get, plan + "/_history/1"), [$"access:R:vread:{p}:care-relationship:0"]),
            ("search", () => new(HttpMethod.Get, $"/fhir/CarePlan?subject=Patient/{p}"), [$"access:R:search-type:{p}:care-relationship:0"]),
            ("search post", () => new(HttpMethod.Post, "/fhir/CarePlan/_search") { Content = new FormUrlEncodedContent([new("subject", $"Patient/{p}")]) },
                [$"access:R:search-type:{p}:care-relationship:0"]),
            ("history instance", () => new(HttpMethod.Get, plan + "/_history"), [$"access:R:history-instance:{p}:care-relationship:0"]),
            ("history type", () => new(HttpMethod.Get, "/fhir/CarePlan/_history?_count=100"), [$"access:R:history-type:{p}:care-relationship:0"]),
            ("create", () => new(HttpMethod.Post, "/fhir/CarePlan") { Content = newPlan }, [$"access:C:create:{p}:care-relationship:0"]),
            ("update", () => new(HttpMethod.Put, plan) { Content = FhirTest.Json(PlanBody(s.CarePlanId, p)) }, [$"access:U:update:{p}:care-relationship:0"]),
            ("conditional update", () => new(HttpMethod.Put, $"/fhir/CarePlan?identifier={FhirTest.TestIdSystem}|{tag}") { Content = FhirTest.Json(PlanBody(null, p, tag)) },
                [$"access:U:update:{p}:care-relationship:0"]),
            ("validate instance", () => new(HttpMethod.Get, plan + "/$validate"), [$"access:R:operation:{p}:care-relationship:0"]),
            ("validate body", () => new(HttpMethod.Post, "/fhir/Goal/$validate") { Content = FhirTest.Json(new Goal
            {
                LifecycleStatus = Goal.GoalLifecycleStatus.Proposed,
                Description = new CodeableConcept { Text = "Arki sujuu" },
                Subject = new ResourceReference("Organization/" + tag),
            }) },
                ["access:E:operation:-::0"]),
            ("transaction", () => new(HttpMethod.Post, "/fhir") { Content = FhirTest.Json(Transaction(p)) }, [$"access:C:transaction:{p}:care-relationship:0"]),
            // Reads the plan, the client and the stored references; creates the reference and links it in the plan.
            ("sync statutory plans", () => new(HttpMethod.Post, plan + "/$sync-statutory-plans"),
                [$"access:R:operation:{p}:care-relationship:0", $"access:C:operation:{p}:care-relationship:0", $"access:U:operation:{p}:care-relationship:0"]),
            ("delete", () => new(HttpMethod.Delete, plan), [$"access:D:delete:{p}:care-relationship:0"]),
            ("read deleted", () => new(HttpMethod.Get, plan), ["access:R:read:-:none:4"]),
            ("candidates", () => new(HttpMethod.Get, $"{CandidatesPath}?as-of=2026-06-30&organization=Organization/{ownOrganization}"),
                [$"access:R:operation:{p}:statutory-task:0", "access:C:operation:-::0"]),
            ("candidates post", () => new(HttpMethod.Post, CandidatesPath) { Content = FhirTest.Json(new Parameters { { "as-of", new Date("2026-06-30") } }) },
                [$"access:R:operation:{p}:statutory-task:0", "access:C:operation:-::0"]),
            ("outcomes", () => new(HttpMethod.Get, $"{OutcomesPath}?period=2026&organization=Organization/{ownOrganization}"), ["access:E:operation:-::0"]),
        };

        foreach (var (name, request, expected) in calls)
        {
            var requestId = "call-" + FhirTest.Unique();
            using var message = request();
            message.Headers.Add("X-Request-Id", requestId);
            using var response = await http.SendAsync(message);
            Assert.True(name == "read deleted" ? response.StatusCode == HttpStatusCode.Gone : response.IsSuccessStatusCode, $"{name}: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");

            var logged = await LogEntriesAsync(s.MemberUser, requestId);
            Assert.True(
                expected.Order().SequenceEqual(logged.Select(e => $"{e.Kind}:{e.Action}:{e.Subtype}:{e.Patient ?? "-"}:{e.Basis}:{e.Outcome}").Order()),
                $"{name}: expected [{string.Join(", ", expected)}] but logged [{string.Join(", ", logged.Select(e => $"{e.Kind}:{e.Action}:{e.Subtype}:{e.Patient ?? "-"}:{e.Basis}:{e.Outcome}"))}]");
        }
    }

    /// <summary>Every log endpoint, called by a compliance officer, is itself logged as supervision, naming the client it was about.</summary>
    [Fact]
    public async Task EveryLogEndpoint_IsItselfLogged_AsSupervision()
    {
        var scenario = await JointClientScenario.CreateAsync(Client);
        var p = scenario.PatientId;
        var entry = (await SearchLogAsync($"patient={p}&_count=1"))[0].Id;
        var calls = new (string Path, string Expected)[]
        {
            ($"/fhir/AuditEvent?patient=Patient/{p}", $"access:R:search-type:{p}:supervision:0"),
            ($"/fhir/AuditEvent/{entry}", "access:R:read:-:supervision:0"),
            ($"/fhir/AuditEvent/$review?reason=break-glass&patient={p}", $"access:R:operation:{p}:supervision:0"),
            ($"/fhir/Patient/{p}/$access-report", $"access:R:operation:{p}:supervision:0"),
            ("/fhir/AuditEvent/$verify-chain", "access:E:operation:-:supervision:0"),
        };

        foreach (var (path, expected) in calls)
        {
            var requestId = "log-" + FhirTest.Unique();
            using var message = new HttpRequestMessage(HttpMethod.Get, path);
            message.Headers.Add("X-Request-Id", requestId);
            using var response = await Compliance.SendAsync(message);

            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {response.StatusCode}");
            var logged = Assert.Single(await LogEntriesAsync(ComplianceUser, requestId));
            Assert.Equal(expected, $"{logged.Kind}:{logged.Action}:{logged.Subtype}:{logged.Patient ?? "-"}:{logged.Basis}:{logged.Outcome}");
        }
    }

    [Theory]
    [InlineData("member")]
    [InlineData("admin")]
    [InlineData("system")]
    public async Task Logs_AreOnlyForComplianceOfficers(string caller)
    {
        var scenario = await JointClientScenario.CreateAsync(Client);
        using var http = Factory.CreateClient(scenario.Token(caller));

        await FhirTest.AssertOutcomeAsync(await http.GetAsync($"/fhir/AuditEvent?patient={scenario.PatientId}"), HttpStatusCode.Forbidden);
        await FhirTest.AssertOutcomeAsync(await http.GetAsync($"/fhir/Patient/{scenario.PatientId}/$access-report"), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Purge_IsForAdministrators_AndKeepsEntriesWithinRetention()
    {
        var scenario = await JointClientScenario.CreateAsync(Client);
        using var admin = Factory.CreateClient(scenario.Token("admin"));
        using var member = Factory.CreateClient(scenario.Token("member"));

        var purged = await FhirTest.ReadAsync<Parameters>(await admin.PostAsync("/fhir/AuditEvent/$purge", null));
        await FhirTest.AssertOutcomeAsync(await member.PostAsync("/fhir/AuditEvent/$purge", null), HttpStatusCode.Forbidden);
        await FhirTest.AssertOutcomeAsync(await member.GetAsync("/fhir/AuditEvent/$verify-chain"), HttpStatusCode.Forbidden);

        // Everything here is recent: nothing is old enough to go, and the scenario's entries are all still there.
        Assert.Equal(0, ((Integer)Value(purged, "deleted")).Value);
        Assert.NotEmpty(await SearchLogAsync($"patient={scenario.PatientId}"));
        Assert.True(await ChainIntactAsync());
    }

    [Theory]
    [InlineData("POST", "/fhir/AuditEvent")]
    [InlineData("PUT", "/fhir/AuditEvent/x")]
    [InlineData("DELETE", "/fhir/AuditEvent/x")]
    [InlineData("GET", "/fhir/AuditEvent/_history")]
    [InlineData("POST", "/fhir/AuditEvent/$validate")]
    public async Task Logs_CannotBeWrittenThroughTheApi(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method != "GET" && method != "DELETE")
        {
            request.Content = FhirTest.Json(new AuditEvent { Id = "x" });
        }

        await FhirTest.AssertOutcomeAsync(await Compliance.SendAsync(request), HttpStatusCode.MethodNotAllowed);
    }

    [Fact]
    public async Task Search_FiltersByEveryComplianceParameter_AndPages()
    {
        var scenario = await JointClientScenario.CreateAsync(Client);
        using var consentOrg = Factory.CreateClient(scenario.Token("consent-org"));
        using var stranger = Factory.CreateClient(scenario.Token("stranger"));
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await consentOrg.GetAsync($"/fhir/CarePlan/{scenario.CarePlanId}")).StatusCode);
        }

        Assert.Equal(HttpStatusCode.Forbidden, (await stranger.GetAsync($"/fhir/CarePlan/{scenario.CarePlanId}")).StatusCode);
        var patient = $"patient={scenario.PatientId}";

        Assert.Equal(3, (await SearchLogAsync($"{patient}&type=disclosure&organization=urn:oid:{JointClientScenario.ConsentOrganization}")).Count);
        Assert.Equal(3, (await SearchLogAsync($"{patient}&type=access&legal-basis=consent&action=R&outcome=0")).Count);
        Assert.Single(await SearchLogAsync($"{patient}&outcome=4&legal-basis=none"));
        Assert.Equal(4, (await SearchLogAsync($"{patient}&agent={scenario.StrangerUser}&type=access&date=ge2026-01-01")).Count);
        Assert.Empty(await SearchLogAsync($"{patient}&break-glass=true"));
        Assert.Empty(await SearchLogAsync($"{patient}&date=lt2000"));

        var first = await FhirTest.ReadAsync<Bundle>(await Compliance.GetAsync($"/fhir/AuditEvent?{patient}&type=disclosure&_count=2"));
        Assert.Equal(2, first.Entry.Count);
        var next = first.Link.Single(l => l.Relation == "next").Url!;
        var second = await FhirTest.ReadAsync<Bundle>(await Compliance.GetAsync(new Uri(next).PathAndQuery));
        Assert.Single(second.Entry);
        Assert.Empty(first.Entry.Select(e => e.Resource!.Id).Intersect(second.Entry.Select(e => e.Resource!.Id)));
        await FhirTest.AssertOutcomeAsync(await Compliance.GetAsync("/fhir/AuditEvent?colour=red"), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task ReviewReports_ListBreakGlass_AndAccessWithoutCareRelationship()
    {
        var scenario = await JointClientScenario.CreateAsync(Client);
        using var http = Factory.CreateClient(scenario.Token("break-glass"));
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/fhir/CarePlan/{scenario.CarePlanId}");
        request.Headers.Add(Caller.BreakGlassHeader, "Crisis visit at night");
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(request)).StatusCode);
        using var consentOrg = Factory.CreateClient(scenario.Token("consent-org"));
        Assert.Equal(HttpStatusCode.OK, (await consentOrg.GetAsync($"/fhir/CarePlan/{scenario.CarePlanId}")).StatusCode);

        var breakGlass = await FhirTest.ReadAsync<Bundle>(await Compliance.GetAsync($"/fhir/AuditEvent/$review?reason=break-glass&patient={scenario.PatientId}"));
        var noRelation = await FhirTest.ReadAsync<Bundle>(await Compliance.GetAsync($"/fhir/AuditEvent/$review?reason=no-care-relationship&patient={scenario.PatientId}"));

        var glass = Assert.IsType<AuditEvent>(Assert.Single(breakGlass.Entry).Resource!);
        Assert.Equal("Exceptional access: Crisis visit at night", glass.PurposeOfEvent[0].Text);
        Assert.Equal(["break-glass", "consent"], noRelation.Entry.Select(e => ((AuditEvent)e.Resource!).PurposeOfEvent[0].Coding[0].Code).Order());
    }

    [Fact]
    public async Task AccessReport_ListsEveryAccessAndDisclosure_AsBundleCsvAndHtml()
    {
        var scenario = await JointClientScenario.CreateAsync(Client);
        using var consentOrg = Factory.CreateClient(scenario.Token("consent-org"));
        Assert.Equal(HttpStatusCode.OK, (await consentOrg.GetAsync($"/fhir/CarePlan/{scenario.CarePlanId}")).StatusCode);
        var report = $"/fhir/Patient/{scenario.PatientId}/$access-report";

        var bundle = await FhirTest.ReadAsync<Bundle>(await Compliance.GetAsync(report));
        using var csvResponse = await Compliance.GetAsync(report + "?_format=text/csv");
        var csv = await csvResponse.Content.ReadAsStringAsync();
        using var htmlRequest = new HttpRequestMessage(HttpMethod.Get, report);
        htmlRequest.Headers.Add("Accept", "text/html");
        using var htmlResponse = await Compliance.SendAsync(htmlRequest);
        var html = await htmlResponse.Content.ReadAsStringAsync();

        var events = bundle.Entry.Select(e => (AuditEvent)e.Resource!).ToList();
        // The system integration's writes of the scenario, the consent organisation's read and its disclosure.
        Assert.Contains(events, e => e.Type!.Code == AuditEntries.DisclosureTypeCode && e.Agent.Any(a => a.Who?.Identifier?.System == $"urn:oid:{JointClientScenario.ConsentOrganization}"));
        Assert.All(events, e => Assert.Contains(e.Entity, x => x.What?.Reference == $"Patient/{scenario.PatientId}"));
        Assert.Equal("text/csv", csvResponse.Content.Headers.ContentType?.MediaType);
        // Each report request is itself logged about the client: the CSV also lists the Bundle request, the HTML both.
        Assert.Equal(events.Count + 1, csv.Split("\r\n").Length - 2);
        Assert.Contains("disclosure", csv, StringComparison.Ordinal);
        Assert.Equal("text/html", htmlResponse.Content.Headers.ContentType?.MediaType);
        Assert.Contains($"Patient/{scenario.PatientId}", html, StringComparison.Ordinal);
        Assert.Equal(events.Count + 2, html.Split("<tr>").Length - 2);
        Assert.Empty((await FhirTest.ReadAsync<Bundle>(await Compliance.GetAsync(report + "?start=2000-01-01&end=2000-12-31"))).Entry);
    }

    [Fact]
    public async Task Chain_IsIntact_DetectsAModifiedRow_AndHoldsAgainWhenRestored()
    {
        var scenario = await JointClientScenario.CreateAsync(Client);
        var target = (await SearchLogAsync($"patient={scenario.PatientId}&_count=1"))[0];
        Assert.True(await ChainIntactAsync());
        var json = await TestDatabase.ScalarAsync(Factory, $"SELECT json FROM audit_event WHERE id = '{target.Id}'");

        await TestDatabase.ExecuteAsync(Factory, $"UPDATE audit_event SET json = replace(json, '\"outcome\":\"0\"', '\"outcome\":\"4\"') WHERE id = '{target.Id}'");
        try
        {
            var broken = await FhirTest.ReadAsync<Parameters>(await Compliance.GetAsync("/fhir/AuditEvent/$verify-chain"));
            Assert.False(((FhirBoolean)Value(broken, "intact")).Value);
            Assert.Equal($"AuditEvent/{target.Id}", ((FhirString)Value(broken, "firstBroken")).Value);
        }
        finally
        {
            await TestDatabase.ExecuteAsync(Factory, $"UPDATE audit_event SET json = '{json!.Replace("'", "''", StringComparison.Ordinal)}' WHERE id = '{target.Id}'");
        }

        Assert.True(await ChainIntactAsync());
    }

    [Fact]
    public async Task LogUnavailable_FailsClosed_With503_AndNoData()
    {
        var scenario = await JointClientScenario.CreateAsync(Client);
        using var member = Factory.CreateClient(scenario.Token("member"));
        var tag = FhirTest.Unique();
        await TestDatabase.ExecuteAsync(Factory, "ALTER TABLE audit_event RENAME TO audit_event_offline");
        try
        {
            using var read = await member.GetAsync($"/fhir/CarePlan/{scenario.CarePlanId}");
            using var write = await member.PostAsync("/fhir/CarePlan", FhirTest.Json(PlanBody(null, scenario.PatientId, tag)));

            await FhirTest.AssertOutcomeAsync(read, HttpStatusCode.ServiceUnavailable);
            Assert.DoesNotContain("Yhteinen suunnitelma", await read.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            await FhirTest.AssertOutcomeAsync(write, HttpStatusCode.ServiceUnavailable);
        }
        finally
        {
            await TestDatabase.ExecuteAsync(Factory, "ALTER TABLE audit_event_offline RENAME TO audit_event");
        }

        Assert.Empty((await FhirTest.ReadAsync<Bundle>(await Http.GetAsync($"/fhir/CarePlan?identifier={FhirTest.TestIdSystem}|{tag}"))).Entry);
    }

    private async Task<bool> ChainIntactAsync()
    {
        var result = await FhirTest.ReadAsync<Parameters>(await Compliance.GetAsync("/fhir/AuditEvent/$verify-chain"));
        return ((FhirBoolean)Value(result, "intact")).Value == true;
    }

    private static DataType Value(Parameters parameters, string name) => parameters.Parameter.Single(p => p.Name == name).Value!;

    private Task<IReadOnlyList<AuditEvent>> SearchLogAsync(string query) => SearchLogAsync(Compliance, query);

    private static async Task<IReadOnlyList<AuditEvent>> SearchLogAsync(HttpClient compliance, string query)
    {
        using var response = await compliance.GetAsync($"/fhir/AuditEvent?{query}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await FhirTest.ReadAsync<Bundle>(response)).Entry.Select(e => (AuditEvent)e.Resource!).ToList();
    }

    private async Task<IReadOnlyList<LoggedEntry>> LogEntriesAsync(string user, string requestId)
    {
        var events = await SearchLogAsync($"agent={Uri.EscapeDataString(user)}&_count=1000");
        return events
            .Where(e => e.Entity.Any(x => x.Detail.Any(d => d.Type == AuditEventFactory.RequestIdDetail && ((FhirString)d.Value!).Value == requestId)))
            .Select(e => new LoggedEntry(
                e.Type!.Code == AuditEntries.DisclosureTypeCode ? "disclosure" : "access",
                e.Action.ToString()!,
                e.Subtype[0].Code!,
                AuditEntries.From(e, "").PatientId,
                e.PurposeOfEvent.FirstOrDefault()?.Coding[0].Code ?? "",
                AuditEntries.From(e, "").Outcome))
            .ToList();
    }

    private static CarePlan PlanBody(string? id, string patientId, string? tag = null) => new()
    {
        Id = id,
        Status = RequestStatus.Active,
        Intent = CarePlan.CarePlanIntent.Plan,
        Subject = new ResourceReference($"Patient/{patientId}"),
        Title = "Päivitetty",
        Identifier = tag is null ? [] : [new Identifier(FhirTest.TestIdSystem, tag)],
    };

    private static Bundle Transaction(string patientId) => new()
    {
        Type = Bundle.BundleType.Transaction,
        Entry =
        [
            new Bundle.EntryComponent
            {
                FullUrl = "urn:uuid:" + Guid.NewGuid(),
                Resource = PlanBody(null, patientId),
                Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "CarePlan" },
            },
        ],
    };

    private sealed record LoggedEntry(string Kind, string Action, string Subtype, string? Patient, string Basis, string Outcome);
}
