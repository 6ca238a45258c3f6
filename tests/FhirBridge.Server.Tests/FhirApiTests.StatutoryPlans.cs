using System.Net;
using FhirBridge.Bridge.StatutoryPlans;
using FhirBridge.Server.Bridge;
using FhirBridge.Server.Tests.Infrastructure;
using Hl7.Fhir.Model;
using Microsoft.Extensions.DependencyInjection;
using Task = System.Threading.Tasks.Task;

namespace FhirBridge.Server.Tests;

/// <summary>Issue #5, inbound: CarePlan/[id]/$sync-statutory-plans and the scheduled sync, against fake systems over real HTTP.</summary>
public abstract partial class FhirApiTests
{
    private const string EhrTypes = "https://ehr.example/fhir/CodeSystem/document-type";
    private const string PlanTypes = "https://fhirbridge.fi/fhir/CodeSystem/statutory-plan-type";

    [Fact]
    public async Task StatutoryPlanSync_StoresAndLinksEveryMappedPlan_FromEverySystem()
    {
        var (s, hetu) = await ClientWithHetuAsync();
        await using var ehr = await RegisteredFakeSystem.EhrAsync(Factory);
        await using var social = await RegisteredFakeSystem.SocialWelfareAsync(Factory);
        var health = ehr.Fake.AddStatutoryPlan(hetu, NewDocumentOid(), "Terveys- ja hoitosuunnitelma");
        ehr.Fake.AddStatutoryPlan(hetu, NewDocumentOid(), "Kuntoutussuunnitelma", typeCode: "KUNTSUU");
        ehr.Fake.AddStatutoryPlan(hetu, NewDocumentOid(), "Suunnitelma", typeCode: "SUUNN");
        ehr.Fake.AddStatutoryPlan(TestHetu.New(), NewDocumentOid(), "Toisen asiakkaan suunnitelma");
        var client = social.Fake.AddStatutoryPlan(hetu, NewDocumentOid(), "Asiakassuunnitelma");

        var (status, report) = await SyncPlansAsync(s.Token("member"), s.CarePlanId);

        Assert.Equal(HttpStatusCode.OK, status);
        var plans = SyncedPlans(report);
        Assert.Equal(4, plans.Count);
        Assert.All(plans, p => Assert.Equal("created", p.Outcome));
        Assert.Equal(3, plans.Count(p => p.Endpoint == $"Endpoint/{ehr.EndpointId}"));
        Assert.Equal(4, report.GetSingleValue<Integer>("linksAdded")!.Value);
        var stored = await StoredReferenceAsync(health.MasterIdentifier!.Value!);
        Assert.Equal([(EhrTypes, "HOISUU"), (PlanTypes, "health-plan")], stored.Type!.Coding.Select(c => (c.System, c.Code)));
        Assert.Equal($"Patient/{s.PatientId}", stored.Subject!.Reference);
        Assert.Equal(hetu, stored.Subject.Identifier!.Value);
        Assert.Equal($"urn:oid:{ehr.Fake.OrganizationOid}", stored.Custodian!.Identifier!.Value);
        Assert.Equal(["https://fhirbridge.fi/fhir/StructureDefinition/StatutoryPlanReference"], stored.Meta!.Profile);
        Assert.Equal($"{ehr.Fake.BaseUrl}/DocumentReference/{health.Id}", stored.Meta.Source);
        Assert.Equal(health.Content[0].Attachment.Url, stored.Content[0].Attachment.Url);
        Assert.Equal("social-welfare-plan", (await StoredReferenceAsync(client.MasterIdentifier!.Value!)).Type!.Coding[1].Code);
        var plan = await Client.ReadAsync<CarePlan>($"CarePlan/{s.CarePlanId}");
        Assert.Equal(plans.Select(p => p.Reference![..p.Reference!.IndexOf("/_history", StringComparison.Ordinal)]).Order(), plan!.SupportingInfo.Select(r => r.Reference).Order());
        Assert.Empty(plan.Replaces);
        Assert.Equal($"CarePlan/{s.CarePlanId}/_history/{plan.Meta!.VersionId}", report.GetSingleValue<ResourceReference>("carePlan")!.Reference);
        // Approximate mappings are reported for a person to check; the other client's plan is never fetched.
        var issues = Outcome(report).Issue;
        Assert.Contains(issues, i => i.Severity == OperationOutcome.IssueSeverity.Information && i.Diagnostics!.Contains($"{EhrTypes}|KUNTSUU mapped to {PlanTypes}|health-plan as wider", StringComparison.Ordinal));
        Assert.Contains(issues, i => i.Diagnostics!.Contains($"{EhrTypes}|SUUNN mapped to {PlanTypes}|health-plan as narrower", StringComparison.Ordinal));
        Assert.DoesNotContain(issues, i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Warning && i.Diagnostics!.Contains(ehr.EndpointId, StringComparison.Ordinal));
        await AssertNothingReceivedAsync(ehr, social);
    }

    [Fact]
    public async Task StatutoryPlanResync_IsIdempotent_AndAChangedDocumentUpdatesItsReference()
    {
        var (s, hetu) = await ClientWithHetuAsync();
        await using var ehr = await RegisteredFakeSystem.EhrAsync(Factory);
        await using var social = await RegisteredFakeSystem.SocialWelfareAsync(Factory);
        var health = ehr.Fake.AddStatutoryPlan(hetu, NewDocumentOid(), "Terveys- ja hoitosuunnitelma");
        social.Fake.AddStatutoryPlan(hetu, NewDocumentOid(), "Asiakassuunnitelma");
        var token = s.Token("member");
        // The report is the operation's answer whatever the caller prefers for writes.
        var (_, first) = await SyncPlansAsync(token, s.CarePlanId, prefer: "return=minimal");
        Assert.All(SyncedPlans(first), p => Assert.Equal("created", p.Outcome));

        var (status, again) = await SyncPlansAsync(token, s.CarePlanId);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.All(SyncedPlans(again), p => Assert.Equal("unchanged", p.Outcome));
        Assert.Equal(SyncedPlans(first).Select(p => p.Reference).Order(), SyncedPlans(again).Select(p => p.Reference).Order());
        Assert.Equal(0, again.GetSingleValue<Integer>("linksAdded")!.Value);
        Assert.Equal(first.GetSingleValue<ResourceReference>("carePlan")!.Reference, again.GetSingleValue<ResourceReference>("carePlan")!.Reference);
        Assert.Equal("1", (await StoredReferenceAsync(health.MasterIdentifier!.Value!)).Meta!.VersionId);

        ehr.Fake.ChangeStatutoryPlan(health.Id!, d => d.Description = "Terveys- ja hoitosuunnitelma, päivitetty");
        var (_, changed) = await SyncPlansAsync(token, s.CarePlanId);

        var updated = SyncedPlans(changed).Single(p => p.Endpoint == $"Endpoint/{ehr.EndpointId}");
        Assert.Equal("updated", updated.Outcome);
        Assert.Equal("unchanged", SyncedPlans(changed).Single(p => p.Endpoint == $"Endpoint/{social.EndpointId}").Outcome);
        var reference = await StoredReferenceAsync(health.MasterIdentifier.Value!);
        Assert.Equal(("Terveys- ja hoitosuunnitelma, päivitetty", "2"), (reference.Description, reference.Meta!.VersionId));
        Assert.Equal($"DocumentReference/{reference.Id}/_history/2", updated.Reference);
        // The link names the resource, not a version: the plan is not re-versioned.
        Assert.Equal(first.GetSingleValue<ResourceReference>("carePlan")!.Reference, changed.GetSingleValue<ResourceReference>("carePlan")!.Reference);
        await AssertNothingReceivedAsync(ehr, social);
    }

    [Fact]
    public async Task StatutoryPlanSyncs_InParallel_NeverDuplicateAReferenceOrALink()
    {
        var (s, hetu) = await ClientWithHetuAsync();
        await using var ehr = await RegisteredFakeSystem.EhrAsync(Factory);
        var oids = Enumerable.Range(0, 3).Select(_ => NewDocumentOid()).ToList();
        foreach (var oid in oids)
        {
            ehr.Fake.AddStatutoryPlan(hetu, oid, "Terveys- ja hoitosuunnitelma");
        }

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => SyncPlansAsync(s.Token("member"), s.CarePlanId)));

        Assert.All(results, r => Assert.True(r.Status == HttpStatusCode.OK, $"{r.Status}: {FhirBridge.Core.Fhir.FhirSerializer.ToJson(r.Report)}"));
        foreach (var oid in oids)
        {
            await StoredReferenceAsync(oid);
        }

        var plan = await Client.ReadAsync<CarePlan>($"CarePlan/{s.CarePlanId}");
        Assert.Equal(3, plan!.SupportingInfo.Select(r => r.Reference).Distinct().Count());
        Assert.Equal(3, plan.SupportingInfo.Count);
        Assert.Equal(3, results.Sum(r => SyncedPlans(r.Report).Count(p => p.Outcome == "created")));
    }

    [Fact]
    public async Task StatutoryPlanSync_ReportsUnmappedCodes_WithTheSystemThatSentThem_AndStoresNothingForThem()
    {
        var (s, hetu) = await ClientWithHetuAsync();
        await using var ehr = await RegisteredFakeSystem.EhrAsync(Factory);
        var mapped = ehr.Fake.AddStatutoryPlan(hetu, NewDocumentOid(), "Terveys- ja hoitosuunnitelma");
        var medication = ehr.Fake.AddStatutoryPlan(hetu, NewDocumentOid(), "Lääkehoitosuunnitelma", typeCode: "LAAKSUU");
        var unknown = ehr.Fake.AddStatutoryPlan(hetu, NewDocumentOid(), "Outo asiakirja", typeCode: "OUTO");

        var (status, report) = await SyncPlansAsync(s.Token("member"), s.CarePlanId);

        Assert.Equal(HttpStatusCode.OK, status);
        var plans = SyncedPlans(report);
        Assert.Equal(["created", "skipped", "skipped"], plans.Select(p => p.Outcome).Order());
        Assert.All(plans.Where(p => p.Outcome == "skipped"), p => Assert.Null(p.Reference));
        var issues = Outcome(report).Issue.Where(i => i.Severity == OperationOutcome.IssueSeverity.Warning).ToList();
        foreach (var (document, code) in new[] { (medication, "LAAKSUU"), (unknown, "OUTO") })
        {
            var issue = Assert.Single(issues, i => i.Diagnostics!.Contains($"DocumentReference/{document.Id}", StringComparison.Ordinal));
            Assert.Contains($"{ehr.Endpoint.Name} (Endpoint/{ehr.EndpointId})", issue.Diagnostics, StringComparison.Ordinal);
            Assert.Contains($"Not mapped: {EhrTypes}|{code}", issue.Diagnostics, StringComparison.Ordinal);
            Assert.EndsWith("The document is not linked.", issue.Diagnostics, StringComparison.Ordinal);
            Assert.Equal(OperationOutcome.IssueType.CodeInvalid, issue.Code);
            Assert.Equal(["DocumentReference.type"], issue.Expression);
            Assert.Empty(await ReferencesAsync(document.MasterIdentifier!.Value!));
        }

        await StoredReferenceAsync(mapped.MasterIdentifier!.Value!);
        Assert.Single((await Client.ReadAsync<CarePlan>($"CarePlan/{s.CarePlanId}"))!.SupportingInfo);
    }

    [Fact]
    public async Task StatutoryPlanSync_GoesOnWhenOneSystemFails_AndIs503WhenAllFail()
    {
        var (s, hetu) = await ClientWithHetuAsync();
        await using var ehr = await RegisteredFakeSystem.EhrAsync(Factory);
        await using var social = await RegisteredFakeSystem.SocialWelfareAsync(Factory);
        var health = ehr.Fake.AddStatutoryPlan(hetu, NewDocumentOid(), "Terveys- ja hoitosuunnitelma");
        var client = social.Fake.AddStatutoryPlan(hetu, NewDocumentOid(), "Asiakassuunnitelma");
        await social.Fake.RefuseConnectionsAsync();

        var (status, report) = await SyncPlansAsync(s.Token("member"), s.CarePlanId);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("created", Assert.Single(SyncedPlans(report)).Outcome);
        var failure = Assert.Single(Outcome(report).Issue, i => i.Severity == OperationOutcome.IssueSeverity.Error);
        Assert.Equal(OperationOutcome.IssueType.Transient, failure.Code);
        Assert.StartsWith($"{social.Endpoint.Name} (Endpoint/{social.EndpointId}) failed; its statutory plans were not synced: GET {social.Fake.BaseUrl}/DocumentReference?", failure.Diagnostics, StringComparison.Ordinal);
        Assert.Contains("1 connected system(s) failed", Outcome(report).Issue[0].Diagnostics, StringComparison.Ordinal);
        await StoredReferenceAsync(health.MasterIdentifier!.Value!);
        Assert.Empty(await ReferencesAsync(client.MasterIdentifier!.Value!));

        // Every system failing — an error status, a hang past the request timeout, a refused connection — is a 503 and changes nothing.
        var other = await ClientWithHetuAsync();
        ehr.Fake.AddStatutoryPlan(other.Hetu, NewDocumentOid(), "Terveys- ja hoitosuunnitelma");
        ehr.Fake.Faults.FailNext(100, 500);
        var failed = await SyncPlansAsync(s.Token("member"), s.CarePlanId);
        ehr.Fake.Faults.Reset();
        ehr.Fake.Faults.HangNext(100);
        using var http = Factory.CreateClient(other.S.Token("member"));
        using var hung = await http.PostAsync($"/fhir/CarePlan/{other.S.CarePlanId}/$sync-statutory-plans", null);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.Status);
        var outcome = await FhirTest.AssertOutcomeAsync(hung, HttpStatusCode.ServiceUnavailable);
        // The sync's RequestTimeout (2 s here) or a shorter timeout of the HTTP client's own pipeline ends the hang.
        Assert.Contains(outcome.Issue, i => i.Diagnostics!.StartsWith($"{ehr.Endpoint.Name} (Endpoint/{ehr.EndpointId}) failed; its statutory plans were not synced: GET ", StringComparison.Ordinal));
        Assert.Contains(outcome.Issue, i => i.Diagnostics!.StartsWith($"{social.Endpoint.Name} (Endpoint/{social.EndpointId}) failed", StringComparison.Ordinal));
        Assert.Empty((await Client.ReadAsync<CarePlan>($"CarePlan/{other.S.CarePlanId}"))!.SupportingInfo);
        ehr.Fake.Faults.Reset();
        await AssertNothingReceivedAsync(ehr);
    }

    [Theory]
    [InlineData("stranger", "No lawful basis to access Patient/")]
    [InlineData("no-scope", "The token grants no scope for u on CarePlan")]
    [InlineData("plan-scope-only", "The token grants no scope for crus on DocumentReference")]
    [InlineData("admin", "Administrators manage directory and configuration data, not client data (CarePlan).")]
    public async Task StatutoryPlanSync_IsRefused_WithoutWriteAccessToThePlan_AndTheRefusalIsLogged(string caller, string message)
    {
        var (s, hetu) = await ClientWithHetuAsync();
        await using var ehr = await RegisteredFakeSystem.EhrAsync(Factory);
        var health = ehr.Fake.AddStatutoryPlan(hetu, NewDocumentOid(), "Terveys- ja hoitosuunnitelma");
        // A care-team member whose token lets them update the plan but not the references.
        var token = caller == "plan-scope-only"
            ? TestTokens.For(FhirBridge.Core.Security.CallerRole.Professional, TestTokens.Organization, s.MemberUser, "user/CarePlan.cruds user/Patient.rs")
            : s.Token(caller);
        caller = caller == "plan-scope-only" ? "member" : caller;
        using var http = Factory.CreateClient(token);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/fhir/CarePlan/{s.CarePlanId}/$sync-statutory-plans");
        var requestId = "sync-" + FhirTest.Unique();
        request.Headers.Add("X-Request-Id", requestId);

        using var response = await http.SendAsync(request);

        var outcome = await FhirTest.AssertOutcomeAsync(response, HttpStatusCode.Forbidden);
        Assert.StartsWith(message, outcome.Issue[0].Diagnostics, StringComparison.Ordinal);
        var logged = Assert.Single(await LogEntriesAsync(s.LoggedUser(caller), requestId));
        Assert.Equal(("access", "4"), (logged.Kind, logged.Outcome));
        Assert.Equal(caller == "stranger" ? s.PatientId : null, logged.Patient);
        Assert.Empty(await ReferencesAsync(health.MasterIdentifier!.Value!));
        Assert.Empty((await Client.ReadAsync<CarePlan>($"CarePlan/{s.CarePlanId}"))!.SupportingInfo);
        await AssertNothingReceivedAsync(ehr);
    }

    [Fact]
    public async Task StatutoryPlanSync_OfAClientWithoutPersonalIdentityCode_Is422()
    {
        var s = await JointClientScenario.CreateAsync(Client);

        using var http = Factory.CreateClient(s.Token("member"));
        var outcome = await FhirTest.AssertOutcomeAsync(await http.PostAsync($"/fhir/CarePlan/{s.CarePlanId}/$sync-statutory-plans", null), HttpStatusCode.UnprocessableEntity);

        Assert.Equal($"Patient/{s.PatientId} has no personal identity code (identifier urn:oid:1.2.246.21): the connected systems know the client only by it.", outcome.Issue[0].Diagnostics);
        Assert.Equal(["Patient.identifier"], outcome.Issue[0].Expression);
        await FhirTest.AssertOutcomeAsync(await http.PostAsync($"/fhir/CarePlan/{FhirTest.Unique()}/$sync-statutory-plans", null), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ScheduledStatutoryPlanSync_SyncsEveryActiveMultidisciplinaryPlan_AsTheSystem()
    {
        var (s, hetu) = await ClientWithHetuAsync();
        var (draft, draftHetu) = await ClientWithHetuAsync();
        var planId = await MultidisciplinaryPlanAsync(s.PatientId, RequestStatus.Active);
        var draftId = await MultidisciplinaryPlanAsync(draft.PatientId, RequestStatus.Draft);
        await using var ehr = await RegisteredFakeSystem.EhrAsync(Factory);
        var health = ehr.Fake.AddStatutoryPlan(hetu, NewDocumentOid(), "Terveys- ja hoitosuunnitelma");
        ehr.Fake.AddStatutoryPlan(draftHetu, NewDocumentOid(), "Terveys- ja hoitosuunnitelma");

        var results = await Factory.Services.GetRequiredService<StatutoryPlanScheduler>().SyncAllAsync(CancellationToken.None);

        var report = results[planId].Report!;
        Assert.Equal(SyncOutcome.Created, Assert.Single(report.Plans).Outcome);
        Assert.False(results.ContainsKey(draftId));
        Assert.False(results.ContainsKey(s.CarePlanId));
        var reference = await StoredReferenceAsync(health.MasterIdentifier!.Value!);
        Assert.Equal($"DocumentReference/{reference.Id}", Assert.Single((await Client.ReadAsync<CarePlan>($"CarePlan/{planId}"))!.SupportingInfo).Reference);
        Assert.Empty((await Client.ReadAsync<CarePlan>($"CarePlan/{draftId}"))!.SupportingInfo);
        // Logged as the system itself under its statutory task: the references created and the plan updated.
        var entries = await SearchLogAsync($"patient={s.PatientId}&agent={Uri.EscapeDataString($"https://fhirbridge.fi/fhir/sid/client-id|{StatutoryPlanScheduler.ClientId}")}");
        Assert.Contains(entries, e => e.Action == AuditEvent.AuditEventAction.C && e.Entity.Any(x => x.What?.Reference == $"DocumentReference/{reference.Id}/_history/1"));
        Assert.Contains(entries, e => e.Action == AuditEvent.AuditEventAction.U && e.Entity.Any(x => x.What?.Reference?.StartsWith($"CarePlan/{planId}/", StringComparison.Ordinal) == true));
        Assert.All(entries, e => Assert.Equal("statutory-task", e.PurposeOfEvent[0].Coding[0].Code));
        await AssertNothingReceivedAsync(ehr);
    }

    private Task<(JointClientScenario S, string Hetu)> ClientWithHetuAsync() => StatutoryPlanData.ClientWithHetuAsync(Client);

    private Task<string> MultidisciplinaryPlanAsync(string patientId, RequestStatus status) => StatutoryPlanData.MultidisciplinaryPlanAsync(Client, patientId, status);

    private static string NewDocumentOid() => StatutoryPlanData.NewDocumentOid();

    private async Task<(HttpStatusCode Status, Parameters Report)> SyncPlansAsync(string token, string carePlanId, string? prefer = null)
    {
        using var http = Factory.CreateClient(token);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/fhir/CarePlan/{carePlanId}/$sync-statutory-plans");
        if (prefer is not null)
        {
            request.Headers.Add("Prefer", prefer);
        }

        using var response = await http.SendAsync(request);
        // A failure's OperationOutcome is kept as the report's outcome, so assertions can show it.
        return response.StatusCode == HttpStatusCode.OK
            ? (response.StatusCode, await FhirTest.ReadAsync<Parameters>(response))
            : (response.StatusCode, new Parameters { Parameter = [new() { Name = "outcome", Resource = await FhirTest.ReadAsync<OperationOutcome>(response) }] });
    }

    private async Task<IReadOnlyList<DocumentReference>> ReferencesAsync(string documentUrn)
    {
        var bundle = await Client.SearchAsync<DocumentReference>([$"identifier=urn:ietf:rfc:3986|{documentUrn}"]);
        return [.. bundle!.Entry.Select(e => e.Resource).OfType<DocumentReference>()];
    }

    /// <summary>The single reference stored for a document (never a duplicate).</summary>
    private async Task<DocumentReference> StoredReferenceAsync(string document) =>
        Assert.Single(await ReferencesAsync(document.StartsWith("urn:oid:", StringComparison.Ordinal) ? document : "urn:oid:" + document));

    private static async Task AssertNothingReceivedAsync(params RegisteredFakeSystem[] systems)
    {
        foreach (var system in systems)
        {
            Assert.Empty(system.Fake.Received);
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{system.Fake.Port}/") };
            Assert.Equal("[]", await http.GetStringAsync("_received"));
        }
    }

    private static OperationOutcome Outcome(Parameters report) => (OperationOutcome)report.Parameter.Single(p => p.Name == "outcome").Resource!;

    private static List<SyncedPlanPart> SyncedPlans(Parameters report) =>
        [.. report.Parameter.Where(p => p.Name == "plan").Select(p => new SyncedPlanPart(
            ((Code)p.Part.Single(x => x.Name == "outcome").Value!).Value!,
            ((ResourceReference)p.Part.Single(x => x.Name == "system").Value!).Reference!,
            (p.Part.SingleOrDefault(x => x.Name == "reference")?.Value as ResourceReference)?.Reference))];

    private sealed record SyncedPlanPart(string Outcome, string Endpoint, string? Reference);
}
