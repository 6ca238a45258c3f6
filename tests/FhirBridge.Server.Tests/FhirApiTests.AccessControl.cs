using System.Net;
using FhirBridge.Core.Security;
using FhirBridge.Server.Tests.Infrastructure;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;

namespace FhirBridge.Server.Tests;

/// <summary>Issue #4: who may touch a client's data, and what the access and disclosure logs say about each attempt.</summary>
public abstract partial class FhirApiTests
{
    /// <summary>caller, request, expected status, expected log entries as "kind:outcome:basis" (patient = the scenario's client, or "-" for none).</summary>
    public static TheoryData<string, string, HttpStatusCode, string[]> AuthorizationMatrix => new()
    {
        // Care relationship: team member and the episode's responsible worker.
        { "member", "read CarePlan", HttpStatusCode.OK, ["access:0:care-relationship"] },
        { "member", "read CareTeam", HttpStatusCode.OK, ["access:0:care-relationship"] },
        { "member", "search CarePlan", HttpStatusCode.OK, ["access:0:care-relationship"] },
        { "member", "update CarePlan", HttpStatusCode.OK, ["access:0:care-relationship"] },
        { "member", "create CarePlan", HttpStatusCode.Created, ["access:0:care-relationship"] },
        { "member", "delete CarePlan", HttpStatusCode.NoContent, ["access:0:care-relationship"] },
        { "member", "read Patient", HttpStatusCode.OK, ["access:0:care-relationship"] },
        { "member", "read EpisodeOfCare", HttpStatusCode.OK, ["access:0:care-relationship"] },
        { "member", "read Practitioner", HttpStatusCode.OK, ["-access:0:"] },
        { "manager", "read CarePlan", HttpStatusCode.OK, ["access:0:care-relationship"] },
        { "manager", "search CarePlan", HttpStatusCode.OK, ["access:0:care-relationship"] },
        // Consent: another organisation receives plan data (a disclosure), but not the care team (not a consented class).
        { "consent-org", "read CarePlan", HttpStatusCode.OK, ["access:0:consent", "disclosure:0:consent"] },
        { "consent-org", "search CarePlan", HttpStatusCode.OK, ["access:0:consent", "disclosure:0:consent"] },
        { "consent-org", "read CareTeam", HttpStatusCode.Forbidden, ["access:4:none"] },
        // The consent covers care management only: the same organisation stating research as its purpose is refused.
        { "consent-org-research", "read CarePlan", HttpStatusCode.Forbidden, ["access:4:none"] },
        { "consent-org", "read EpisodeOfCare", HttpStatusCode.Forbidden, ["access:4:none"] },
        { "consent-org", "read Patient", HttpStatusCode.OK, ["access:0:consent", "disclosure:0:consent"] },
        // A denial (luovutuskielto) wins over the same organisation's permit.
        { "denied-org", "read CarePlan", HttpStatusCode.Forbidden, ["access:4:none"] },
        { "denied-org", "search CarePlan", HttpStatusCode.OK, ["-access:0:"] },
        // No relation: refused, and searches simply do not show the client.
        { "stranger", "read CarePlan", HttpStatusCode.Forbidden, ["access:4:none"] },
        { "stranger", "update CarePlan", HttpStatusCode.Forbidden, ["access:4:none"] },
        { "stranger", "search CarePlan", HttpStatusCode.OK, ["-access:0:"] },
        { "stranger", "read Patient", HttpStatusCode.Forbidden, ["access:4:none"] },
        { "stranger", "create CarePlan", HttpStatusCode.Forbidden, ["access:4:none"] },
        { "stranger", "delete CarePlan", HttpStatusCode.Forbidden, ["access:4:none"] },
        { "break-glass", "read CarePlan", HttpStatusCode.OK, ["access:0:break-glass"] },
        // Roles and scopes.
        { "no-scope", "read CarePlan", HttpStatusCode.Forbidden, ["-access:4:none"] },
        { "compliance", "read CarePlan", HttpStatusCode.Forbidden, ["-access:4:none"] },
        { "admin", "read CarePlan", HttpStatusCode.Forbidden, ["-access:4:none"] },
        { "admin", "read Practitioner", HttpStatusCode.OK, ["-access:0:statutory-task"] },
        { "compliance", "read Practitioner", HttpStatusCode.Forbidden, ["-access:4:none"] },
        { "system", "read CarePlan", HttpStatusCode.OK, ["access:0:statutory-task"] },
        { "system", "update CarePlan", HttpStatusCode.OK, ["access:0:statutory-task"] },
        { "system", "delete CarePlan", HttpStatusCode.NoContent, ["access:0:statutory-task"] },
        { "system", "read EpisodeOfCare", HttpStatusCode.OK, ["access:0:statutory-task"] },
    };

    [Theory]
    [MemberData(nameof(AuthorizationMatrix))]
    public async Task AuthorizationMatrix_GivesTheStatus_AndLogsTheAttempt(string caller, string request, HttpStatusCode status, string[] entries)
    {
        var scenario = await JointClientScenario.CreateAsync(Client);
        using var http = Factory.CreateClient(scenario.Token(caller));
        var requestId = "matrix-" + FhirTest.Unique();

        using var response = await SendAsync(http, scenario, caller, request, requestId);

        Assert.True(status == response.StatusCode, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        if (status == HttpStatusCode.Forbidden)
        {
            await FhirTest.AssertOutcomeAsync(response, HttpStatusCode.Forbidden);
        }
        else if (request.StartsWith("search", StringComparison.Ordinal))
        {
            var bundle = await FhirTest.ReadAsync<Bundle>(response);
            var visible = entries[0].StartsWith('-') ? 0 : 1;
            Assert.Equal(visible, bundle.Entry.Count);
            Assert.Equal(visible, bundle.Total);
        }

        var logged = await LogEntriesAsync(scenario.LoggedUser(caller), requestId);
        var expected = entries.Select(e => e.StartsWith('-') ? $"{e[1..]}|-" : $"{e}|{scenario.PatientId}").Order();
        Assert.Equal(expected, logged.Select(e => $"{e.Kind}:{e.Outcome}:{e.Basis}|{e.Patient ?? "-"}").Order());
    }

    [Fact]
    public async Task Search_AcrossClients_ShowsOnlyTheCallersClients_OnEveryPage_WithAnHonestTotal()
    {
        var visible = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => JointClientScenario.CreateAsync(Client)));
        var hidden = await JointClientScenario.CreateAsync(Client);
        var tag = FhirTest.Unique();
        // One professional in all three visible teams: add them to each team.
        var member = visible[0];
        foreach (var other in visible.Skip(1))
        {
            var team = await Client.ReadAsync<CareTeam>($"CareTeam/{other.CareTeamId}");
            var own = await Client.ReadAsync<CareTeam>($"CareTeam/{member.CareTeamId}");
            team!.Participant.Add(own!.Participant[0]);
            await Client.UpdateAsync(team);
        }

        foreach (var scenario in visible.Append(hidden))
        {
            var plan = await Client.ReadAsync<CarePlan>($"CarePlan/{scenario.CarePlanId}");
            plan!.Note = [new Annotation { Text = tag }];
            plan.Identifier = [new Identifier(FhirTest.TestIdSystem, tag)];
            await Client.UpdateAsync(plan);
        }

        using var http = Factory.CreateClient(member.Token("member"));
        var seen = new List<string>();
        var url = $"/fhir/CarePlan?identifier={FhirTest.TestIdSystem}|{tag}&_count=2&_total=accurate";
        while (url is not null)
        {
            var bundle = await FhirTest.ReadAsync<Bundle>(await http.GetAsync(url));
            Assert.Equal(3, bundle.Total);
            seen.AddRange(bundle.Entry.Select(e => e.Resource!.Id!));
            url = bundle.Link.FirstOrDefault(l => l.Relation == "next")?.Url is { } next ? new Uri(next).PathAndQuery : null;
        }

        Assert.Equal(visible.Select(v => v.CarePlanId).Order(), seen.Order());
    }

    [Fact]
    public async Task Include_OfAHiddenClientsResource_IsDropped()
    {
        var scenario = await JointClientScenario.CreateAsync(Client);
        var other = await JointClientScenario.CreateAsync(Client);
        // A plan of the visible client that references the hidden client's care team.
        var plan = await Client.ReadAsync<CarePlan>($"CarePlan/{scenario.CarePlanId}");
        plan!.CareTeam = [new ResourceReference($"CareTeam/{other.CareTeamId}")];
        await Client.UpdateAsync(plan);
        using var http = Factory.CreateClient(scenario.Token("member"));

        var bundle = await FhirTest.ReadAsync<Bundle>(await http.GetAsync($"/fhir/CarePlan?_id={scenario.CarePlanId}&_include=CarePlan:care-team"));

        Assert.Equal([$"CarePlan/{scenario.CarePlanId}"], bundle.Entry.Select(e => $"{e.Resource!.TypeName}/{e.Resource.Id}"));
    }

    [Fact]
    public async Task Write_WithoutBasis_StoresNothing()
    {
        var scenario = await JointClientScenario.CreateAsync(Client);
        using var http = Factory.CreateClient(scenario.Token("stranger"));
        var tag = FhirTest.Unique();
        var plan = new CarePlan
        {
            Status = RequestStatus.Active,
            Intent = CarePlan.CarePlanIntent.Plan,
            Subject = new ResourceReference($"Patient/{scenario.PatientId}"),
            Identifier = [new Identifier(FhirTest.TestIdSystem, tag)],
        };

        using var response = await http.PostAsync("/fhir/CarePlan", FhirTest.Json(plan));

        await FhirTest.AssertOutcomeAsync(response, HttpStatusCode.Forbidden);
        var found = await FhirTest.ReadAsync<Bundle>(await Http.GetAsync($"/fhir/CarePlan?identifier={FhirTest.TestIdSystem}|{tag}"));
        Assert.Empty(found.Entry);
    }

    // The write's validation looks up its references (the new client, the episode) in the store's own view: a profiled
    // team that names its writer establishes the care relationship instead of being refused for want of one.
    [Fact]
    public async Task Professional_CreatesAJointCareTeamNamingThemselves_ForANewClient_AndThenReadsIt()
    {
        var scenario = await JointClientScenario.CreateAsync(Client);
        using var member = Factory.CreateClient(scenario.Token("member"));
        using var created = await member.PostAsync("/fhir/Patient", FhirTest.Json(FhirTest.Patient("Uusiasiakas")));
        var patient = await FhirTest.ReadAsync<Patient>(created);
        var team = ProfileExamples.Load<CareTeam>("CareTeam-omatiimi-1");
        team.Id = null;
        team.Subject = new ResourceReference($"Patient/{patient.Id}");
        team.Participant[0].Member = new ResourceReference(scenario.MemberRole);

        using var response = await member.PostAsync("/fhir/CareTeam", FhirTest.Json(team));

        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        var stored = await FhirTest.ReadAsync<CareTeam>(response);
        Assert.Equal(HttpStatusCode.OK, (await member.GetAsync($"/fhir/CareTeam/{stored.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await member.GetAsync($"/fhir/Patient/{patient.Id}")).StatusCode);
    }

    [Fact]
    public async Task BreakGlass_IsRefused_WhenTheServerDoesNotAllowIt()
    {
        await using var server = SqliteFhirServer.With(new Dictionary<string, string?> { ["Authorization:AllowBreakGlass"] = "false" });
        var scenario = await JointClientScenario.CreateAsync(server.Factory.CreateFhirClient());
        using var http = server.Factory.CreateClient(scenario.Token("break-glass"));
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/fhir/CarePlan/{scenario.CarePlanId}");
        request.Headers.Add(Caller.BreakGlassHeader, "Client unconscious at the emergency ward");

        using var response = await http.SendAsync(request);

        await FhirTest.AssertOutcomeAsync(response, HttpStatusCode.Forbidden);
    }

    private static CarePlan Identified(CarePlan plan, string id)
    {
        plan.Id = id;
        return plan;
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, JointClientScenario scenario, string caller, string request, string requestId)
    {
        var (verb, type) = (request.Split(' ')[0], request.Split(' ')[1]);
        var id = type switch
        {
            "CarePlan" => scenario.CarePlanId,
            "CareTeam" => scenario.CareTeamId,
            "EpisodeOfCare" => scenario.EpisodeId,
            "Patient" => scenario.PatientId,
            _ => scenario.PractitionerId,
        };
        var plan = new CarePlan
        {
            Status = RequestStatus.Active,
            Intent = CarePlan.CarePlanIntent.Plan,
            Subject = new ResourceReference($"Patient/{scenario.PatientId}"),
            Title = "Päivitetty",
        };
        using var message = verb switch
        {
            "read" => new HttpRequestMessage(HttpMethod.Get, $"/fhir/{type}/{id}"),
            "search" => new HttpRequestMessage(HttpMethod.Get, $"/fhir/{type}?subject=Patient/{scenario.PatientId}&_total=accurate"),
            "update" => new HttpRequestMessage(HttpMethod.Put, $"/fhir/{type}/{id}") { Content = FhirTest.Json(Identified(plan, id)) },
            "create" => new HttpRequestMessage(HttpMethod.Post, $"/fhir/{type}") { Content = FhirTest.Json(plan) },
            "delete" => new HttpRequestMessage(HttpMethod.Delete, $"/fhir/{type}/{id}"),
            _ => throw new ArgumentOutOfRangeException(nameof(request), request, null),
        };
        message.Headers.Add("X-Request-Id", requestId);
        if (caller == "consent-org-research")
        {
            message.Headers.Add(Caller.PurposeOfUseHeader, "HRESCH");
        }

        if (caller == "break-glass")
        {
            message.Headers.Add(Caller.BreakGlassHeader, "Client unconscious at the emergency ward");
        }

        return await http.SendAsync(message);
    }
}
