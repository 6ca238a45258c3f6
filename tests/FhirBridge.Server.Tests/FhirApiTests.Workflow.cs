using System.Globalization;
using System.Net;
using FhirBridge.Core.Workflow;
using FhirBridge.Server.Tests.Infrastructure;
using Hl7.Fhir.Model;
using FhirTask = Hl7.Fhir.Model.Task;
using Task = System.Threading.Tasks.Task;

namespace FhirBridge.Server.Tests;

/// <summary>Issue #6 lifecycle: start, plan rules and follow-ups, change of the responsible worker, end, worklists.</summary>
public abstract partial class FhirApiTests
{
    private const string FollowUpCode = JointClient.TaskCodeSystem + "|" + JointClient.FollowUpReview;

    private static string Today => DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Days(int days) => DateTime.UtcNow.AddDays(days).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    [Fact]
    public async Task StartJointClient_CreatesTheEpisodeAndTeamTogether()
    {
        var s = await WorkflowScenario.CreateAsync(Client);
        using var worker = Factory.CreateClient(s.WorkerToken);

        var (episode, team) = await StartAsync(worker, s.Start());

        Assert.Equal(EpisodeOfCare.EpisodeOfCareStatus.Active, episode.Status);
        Assert.Equal(s.Worker, episode.CareManager!.Reference);
        Assert.Equal([$"CareTeam/{team.Id}"], episode.Team.Select(t => t.Reference));
        Assert.Equal(JointClient.FrequentEmergencyVisits, episode.GetExtensionValue<CodeableConcept>(JointClient.TriggerExtension)!.Coding[0].Code);
        Assert.Equal(Today, episode.Period!.Start);
        Assert.Contains(JointClient.EpisodeProfile, episode.Meta!.Profile);
        Assert.Equal(CareTeam.CareTeamStatus.Active, team.Status);
        Assert.Equal($"EpisodeOfCare/{episode.Id}", JointClient.EpisodeOf(team));
        Assert.Equal([s.Worker, s.Member], team.Participant.Select(p => p.Member!.Reference));
        Assert.Equal([true, false], team.Participant.Select(JointClient.IsResponsible));
        Assert.Equal("1", (await Client.ReadAsync<EpisodeOfCare>($"EpisodeOfCare/{episode.Id}"))!.Meta!.VersionId);
        Assert.Equal(s.Worker, (await Client.ReadAsync<CareTeam>($"CareTeam/{team.Id}"))!.Participant.Single(JointClient.IsResponsible).Member!.Reference);
    }

    [Fact]
    public async Task StartJointClient_OnAProfessionalsConcern_StartsPlanned_AndCannotStartActive()
    {
        var s = await WorkflowScenario.CreateAsync(Client);

        var (episode, team) = await StartAsync(Http, s.Start("professional-concern"));
        using var active = await Http.PostAsync("/fhir/EpisodeOfCare/$start-joint-client", FhirTest.Json(s.Start("client-request", "active")));

        Assert.Equal(EpisodeOfCare.EpisodeOfCareStatus.Planned, episode.Status);
        Assert.Equal("professional-concern", episode.GetExtensionValue<CodeableConcept>(JointClient.TriggerExtension)!.Coding[0].Code);
        Assert.Equal(CareTeam.CareTeamStatus.Proposed, team.Status);
        var outcome = await FhirTest.AssertOutcomeAsync(active, HttpStatusCode.UnprocessableEntity);
        Assert.StartsWith("A joint clientship raised by 'client-request' starts planned", outcome.Issue[0].Diagnostics);
    }

    [Fact]
    public async Task StartJointClient_IsRefused_WhenTheConsentDoesNotCoverAMembersOrganisation_AndWritesNothing()
    {
        var s = await WorkflowScenario.CreateAsync(Client);

        using var response = await Http.PostAsync(
            "/fhir/EpisodeOfCare/$start-joint-client", FhirTest.Json(s.Start(members: [(s.Member, "social-worker"), (s.Outsider, "ngo-actor")])));

        var outcome = await FhirTest.AssertOutcomeAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.Equal(
            $"No active permit consent of {s.Patient} covers the organisation Organization/{s.OutsiderOrganizationId} (urn:oid:{WorkflowScenario.OutsiderOrganization}) of team member {s.Outsider} for care-team data.",
            outcome.Issue[0].Diagnostics);
        Assert.Equal(["Parameters.parameter[6]"], outcome.Issue[0].Expression);
        Assert.Empty((await Client.SearchAsync<EpisodeOfCare>([$"patient={s.Patient}"]))!.Entry);
        Assert.Empty((await Client.SearchAsync<CareTeam>([$"subject={s.Patient}"]))!.Entry);
    }

    [Fact]
    public async Task StartJointClient_IsRefused_WithoutAnActivePermitConsent_OrWithoutATrigger()
    {
        var s = await WorkflowScenario.CreateAsync(Client);
        var consent = await Client.ReadAsync<Consent>($"Consent/{s.ConsentId}");
        consent!.Status = Consent.ConsentState.Inactive;
        await Client.UpdateAsync(consent);
        var noTrigger = s.Start();
        noTrigger.Parameter.RemoveAll(p => p.Name == "trigger");

        using var withdrawn = await Http.PostAsync("/fhir/EpisodeOfCare/$start-joint-client", FhirTest.Json(s.Start()));
        using var missing = await Http.PostAsync("/fhir/EpisodeOfCare/$start-joint-client", FhirTest.Json(noTrigger));

        Assert.Equal(
            $"Consent/{s.ConsentId} is not an active permit consent of {s.Patient} in force now.",
            (await FhirTest.AssertOutcomeAsync(withdrawn, HttpStatusCode.UnprocessableEntity)).Issue[0].Diagnostics);
        Assert.Equal(
            $"$start-joint-client: the parameter 'trigger' (a Coding of {JointClient.TriggerSystem}) is missing.",
            (await FhirTest.AssertOutcomeAsync(missing, HttpStatusCode.BadRequest)).Issue[0].Diagnostics);
    }

    [Fact]
    public async Task ActivatingAPlan_SchedulesAFollowUpTenWeeksLater_OwnedByTheResponsibleWorker()
    {
        var s = await WorkflowScenario.CreateAsync(Client);
        var (episode, team) = await StartAsync(Http, s.Start());
        using var worker = Factory.CreateClient(s.WorkerToken);

        using var draft = await worker.PostAsync("/fhir/CarePlan", FhirTest.Json(s.Plan(episode.Id, team.Id, RequestStatus.Draft)));
        var plan = await FhirTest.ReadAsync<CarePlan>(draft);
        Assert.Empty(await FollowUpsAsync(plan.Id));
        plan.Status = RequestStatus.Active;
        using var activated = await worker.PutAsync($"/fhir/CarePlan/{plan.Id}", FhirTest.Json(plan));

        Assert.Equal(HttpStatusCode.OK, activated.StatusCode);
        Assert.Equal(Days(70), JointClient.NextReviewDate(await FhirTest.ReadAsync<CarePlan>(activated)));
        var task = Assert.Single(await FollowUpsAsync(plan.Id));
        Assert.Equal(FhirTask.TaskStatus.Requested, task.Status);
        Assert.Equal(Days(70), task.Restriction!.Period!.End);
        Assert.Equal(s.Worker, task.Owner!.Reference);
        Assert.Equal(s.Patient, task.For!.Reference);
        Assert.Contains(JointClient.FollowUpTaskProfile, task.Meta!.Profile);
    }

    [Fact]
    public async Task APlansOwnReviewDate_IsKept_WithinTwoToThreeMonths_AndRefusedOutside()
    {
        var s = await WorkflowScenario.CreateAsync(Client);
        var (episode, team) = await StartAsync(Http, s.Start());
        var inside = DateTime.UtcNow.AddMonths(2).AddDays(10).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        var plan = await Client.CreateAsync(s.Plan(episode.Id, team.Id, RequestStatus.Active, inside));
        using var outside = await Http.PostAsync("/fhir/CarePlan", FhirTest.Json(s.Plan(episode.Id, team.Id, RequestStatus.Active, Days(14))));

        Assert.Equal(inside, Assert.Single(await FollowUpsAsync(plan!.Id)).Restriction!.Period!.End);
        var outcome = await FhirTest.AssertOutcomeAsync(outside, HttpStatusCode.UnprocessableEntity);
        Assert.StartsWith($"The next review date {Days(14)} is not 2–3 months after the plan's activation on {Today}", outcome.Issue[0].Diagnostics);
        Assert.Equal([$"CarePlan.extension('{JointClient.NextReviewDateExtension}')"], outcome.Issue[0].Expression);
    }

    [Fact]
    public async Task APlan_IsRefused_OutsideAnActiveEpisode_WithoutTheClientsOwnGoal_OrWithAnotherResponsibleWorker()
    {
        var s = await WorkflowScenario.CreateAsync(Client);
        var (planned, plannedTeam) = await StartAsync(Http, s.Start("professional-concern"));
        var (episode, team) = await StartAsync(Http, s.Start());

        using var inPlanned = await Http.PostAsync("/fhir/CarePlan", FhirTest.Json(s.Plan(planned.Id, plannedTeam.Id, RequestStatus.Draft)));
        using var noGoal = await Http.PostAsync("/fhir/CarePlan", FhirTest.Json(s.Plan(episode.Id, team.Id, RequestStatus.Draft, ownGoal: false)));
        using var inTransaction = await Http.PostAsync("/fhir", FhirTest.Json(new Bundle
        {
            Type = Bundle.BundleType.Transaction,
            Entry = [new Bundle.EntryComponent
            {
                Resource = s.Plan(episode.Id, team.Id, RequestStatus.Active, ownGoal: false),
                Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "CarePlan" },
            }],
        }));
        episode.CareManager = new ResourceReference(s.Successor);
        await Client.UpdateAsync(episode);
        using var otherWorker = await Http.PostAsync("/fhir/CarePlan", FhirTest.Json(s.Plan(episode.Id, team.Id, RequestStatus.Draft)));

        Assert.Equal(
            $"EpisodeOfCare/{planned.Id} is planned: a multidisciplinary plan is created or activated only in an active joint clientship.",
            (await FhirTest.AssertOutcomeAsync(inPlanned, HttpStatusCode.UnprocessableEntity)).Issue[0].Diagnostics);
        const string noGoalMessage = "The client's own goal is missing: a multidisciplinary plan needs a goal or the client-own-goal extension.";
        Assert.Equal(noGoalMessage, (await FhirTest.AssertOutcomeAsync(noGoal, HttpStatusCode.UnprocessableEntity)).Issue[0].Diagnostics);
        Assert.Equal(noGoalMessage, (await FhirTest.AssertOutcomeAsync(inTransaction, HttpStatusCode.UnprocessableEntity)).Issue[0].Diagnostics);
        Assert.Equal(
            $"The team's responsible worker {s.Worker} is not the care manager {s.Successor} of EpisodeOfCare/{episode.Id}.",
            (await FhirTest.AssertOutcomeAsync(otherWorker, HttpStatusCode.UnprocessableEntity)).Issue[0].Diagnostics);
        Assert.Empty((await Client.SearchAsync<CarePlan>([$"subject={s.Patient}"]))!.Entry);
    }

    [Fact]
    public async Task APackageExamplePlan_IsRefused_WhileItsEpisodeIsNotStored()
    {
        using var response = await Http.PostAsync("/fhir/CarePlan", FhirTest.Json(ProfileExamples.Load<CarePlan>("CarePlan-monialainen-suunnitelma-1")));

        Assert.Equal(
            "The plan's joint-client episode EpisodeOfCare/yhteisasiakkuus-1 is not known.",
            (await FhirTest.AssertOutcomeAsync(response, HttpStatusCode.UnprocessableEntity)).Issue[0].Diagnostics);
    }

    [Fact]
    public async Task CompletingAFollowUp_SchedulesTheNextOne_WhileThePlanIsActive()
    {
        var s = await WorkflowScenario.CreateAsync(Client);
        var (episode, team) = await StartAsync(Http, s.Start());
        var plan = await Client.CreateAsync(s.Plan(episode.Id, team.Id, RequestStatus.Active));
        var first = Assert.Single(await FollowUpsAsync(plan!.Id));
        first.Restriction!.Period!.End = Days(-1);
        first = await Client.UpdateAsync(first);

        first!.Status = FhirTask.TaskStatus.Completed;
        await Client.UpdateAsync(first);

        var tasks = await FollowUpsAsync(plan.Id);
        Assert.Equal(2, tasks.Count);
        var next = Assert.Single(tasks, t => t.Status == FhirTask.TaskStatus.Requested);
        Assert.Equal(Days(70), next.Restriction!.Period!.End);
        Assert.Equal(Days(70), JointClient.NextReviewDate((await Client.ReadAsync<CarePlan>($"CarePlan/{plan.Id}"))!));
    }

    [Fact]
    public async Task EndJointClient_FinishesTheEpisode_ClosesPlansAndTasks_AndEndsTheTeam_InOneUnitOfWork()
    {
        var s = await WorkflowScenario.CreateAsync(Client);
        var (episode, team) = await StartAsync(Http, s.Start());
        var active = await Client.CreateAsync(s.Plan(episode.Id, team.Id, RequestStatus.Active));
        var draft = await Client.CreateAsync(s.Plan(episode.Id, team.Id, RequestStatus.Draft));
        using var worker = Factory.CreateClient(s.WorkerToken);

        using var response = await worker.PostAsync($"/fhir/EpisodeOfCare/{episode.Id}/$end", FhirTest.Json(EndParameters("goals-met", "Tavoitteet saavutettu yhdessä.")));

        var written = await FhirTest.ReadAsync<Bundle>(response);
        Assert.Equal(Bundle.BundleType.Collection, written.Type);
        var finished = await Client.ReadAsync<EpisodeOfCare>($"EpisodeOfCare/{episode.Id}");
        Assert.Equal(EpisodeOfCare.EpisodeOfCareStatus.Finished, finished!.Status);
        Assert.Equal(Today, finished.Period!.End);
        var reason = finished.GetExtensionValue<CodeableConcept>(JointClient.EndReasonExtension);
        Assert.Equal(("goals-met", "Tavoitteet saavutettu yhdessä."), (reason!.Coding[0].Code, reason.Text));
        Assert.Equal(RequestStatus.Completed, (await Client.ReadAsync<CarePlan>($"CarePlan/{active!.Id}"))!.Status);
        Assert.Equal(RequestStatus.Revoked, (await Client.ReadAsync<CarePlan>($"CarePlan/{draft!.Id}"))!.Status);
        Assert.Equal(FhirTask.TaskStatus.Cancelled, Assert.Single(await FollowUpsAsync(active.Id)).Status);
        var ended = await Client.ReadAsync<CareTeam>($"CareTeam/{team.Id}");
        Assert.Equal(CareTeam.CareTeamStatus.Inactive, ended!.Status);
        Assert.All(ended.Participant, p => Assert.Equal(Today, p.Period!.End));
        var task = Assert.Single(await FollowUpsAsync(active.Id));
        Assert.Equal($"EpisodeOfCare/{episode.Id}", $"{written.Entry[0].Resource!.TypeName}/{written.Entry[0].Resource!.Id}");
        Assert.Equal(
            new[] { $"EpisodeOfCare/{episode.Id}", $"Task/{task.Id}", $"CarePlan/{active.Id}", $"CarePlan/{draft.Id}", $"CareTeam/{team.Id}" }.Order(),
            written.Entry.Select(e => $"{e.Resource!.TypeName}/{e.Resource!.Id}").Order());
    }

    [Fact]
    public async Task EndJointClient_IsRefused_ForAFinishedEpisode_WithoutAReason_OrWithoutTheScopesOfWhatItWrites()
    {
        var s = await WorkflowScenario.CreateAsync(Client);
        var (episode, _) = await StartAsync(Http, s.Start());
        var end = $"/fhir/EpisodeOfCare/{episode.Id}/$end";
        var noReason = new Parameters();
        noReason.Add("note", new FhirString("Ei syytä"));

        using var missing = await Http.PostAsync(end, FhirTest.Json(noReason));
        using var wrongSystem = await Http.PostAsync(end, FhirTest.Json(new Parameters { Parameter = [new() { Name = "reason", Value = new Coding("http://example.org", "x") }] }));
        using var narrow = Factory.CreateClient(TestTokens.For(FhirBridge.Core.Security.CallerRole.ResponsibleWorker, WorkflowScenario.OwnOrganization, s.WorkerUser, "user/EpisodeOfCare.cruds"));
        using var noTeamScope = await narrow.PostAsync(end, FhirTest.Json(EndParameters("moved")));
        Assert.Equal(HttpStatusCode.OK, (await Http.PostAsync(end, FhirTest.Json(EndParameters("moved")))).StatusCode);
        using var again = await Http.PostAsync(end, FhirTest.Json(EndParameters("moved")));

        Assert.Equal(
            $"$end: the parameter 'reason' (a Coding of {JointClient.EndReasonSystem}) is missing.",
            (await FhirTest.AssertOutcomeAsync(missing, HttpStatusCode.BadRequest)).Issue[0].Diagnostics);
        Assert.Equal(
            $"$end: the parameter 'reason' must be a code of {JointClient.EndReasonSystem} (got http://example.org|x).",
            (await FhirTest.AssertOutcomeAsync(wrongSystem, HttpStatusCode.BadRequest)).Issue[0].Diagnostics);
        Assert.Equal(
            "The token grants no scope for u on CareTeam (e.g. user/CareTeam.u).",
            (await FhirTest.AssertOutcomeAsync(noTeamScope, HttpStatusCode.Forbidden)).Issue[0].Diagnostics);
        Assert.Equal(
            $"EpisodeOfCare/{episode.Id} is finished: only a planned or active joint clientship can be changed or ended.",
            (await FhirTest.AssertOutcomeAsync(again, HttpStatusCode.UnprocessableEntity)).Issue[0].Diagnostics);
    }

    [Fact]
    public async Task ChangeResponsibleWorker_KeepsExactlyOne_WithHistory_AndMovesTheFollowUps()
    {
        var s = await WorkflowScenario.CreateAsync(Client);
        var (episode, team) = await StartAsync(Http, s.Start());
        var plan = await Client.CreateAsync(s.Plan(episode.Id, team.Id, RequestStatus.Active));
        using var worker = Factory.CreateClient(s.WorkerToken);

        using var response = await worker.PostAsync(
            $"/fhir/EpisodeOfCare/{episode.Id}/$change-responsible-worker", FhirTest.Json(ChangeParameters(s.Successor, "psychologist")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var changed = await Client.ReadAsync<EpisodeOfCare>($"EpisodeOfCare/{episode.Id}");
        Assert.Equal((s.Successor, "2"), (changed!.CareManager!.Reference, changed.Meta!.VersionId));
        var handed = await Client.ReadAsync<CareTeam>($"CareTeam/{team.Id}");
        var responsible = Assert.Single(handed!.Participant, JointClient.IsResponsible);
        Assert.Equal((s.Successor, Today, (string?)null), (responsible.Member!.Reference, responsible.Period!.Start, responsible.Period!.End));
        var former = handed.Participant.Where(p => p.Member!.Reference == s.Worker).ToList();
        Assert.Equal([Today, null], former.Select(p => p.Period!.End));
        Assert.Equal(s.Successor, Assert.Single(await FollowUpsAsync(plan!.Id)).Owner!.Reference);
        var history = await FhirTest.ReadAsync<Bundle>(await Http.GetAsync($"/fhir/CareTeam/{team.Id}/_history"));
        Assert.Equal([s.Successor, s.Worker], history.Entry.Select(e => ((CareTeam)e.Resource!).Participant.Single(JointClient.IsResponsible).Member!.Reference));
    }

    [Fact]
    public async Task ChangeResponsibleWorker_IsRefused_ForTheSameWorker_AnUncoveredOrganisation_OrANewcomerWithoutRole()
    {
        var s = await WorkflowScenario.CreateAsync(Client);
        var (episode, team) = await StartAsync(Http, s.Start());
        var change = $"/fhir/EpisodeOfCare/{episode.Id}/$change-responsible-worker";

        using var same = await Http.PostAsync(change, FhirTest.Json(ChangeParameters(s.Worker, "nurse")));
        using var outsider = await Http.PostAsync(change, FhirTest.Json(ChangeParameters(s.Outsider, "ngo-actor")));
        using var noRole = await Http.PostAsync(change, FhirTest.Json(ChangeParameters(s.Successor, null)));

        Assert.Equal(
            $"{s.Worker} is already the responsible worker of EpisodeOfCare/{episode.Id}.",
            (await FhirTest.AssertOutcomeAsync(same, HttpStatusCode.UnprocessableEntity)).Issue[0].Diagnostics);
        Assert.StartsWith(
            $"No active permit consent of {s.Patient} covers the organisation Organization/{s.OutsiderOrganizationId}",
            (await FhirTest.AssertOutcomeAsync(outsider, HttpStatusCode.UnprocessableEntity)).Issue[0].Diagnostics);
        Assert.Equal(
            $"{s.Successor} is not yet a member of CareTeam/{team.Id}: give the role the new responsible worker has in the team.",
            (await FhirTest.AssertOutcomeAsync(noRole, HttpStatusCode.UnprocessableEntity)).Issue[0].Diagnostics);
        Assert.Equal("1", (await Client.ReadAsync<EpisodeOfCare>($"EpisodeOfCare/{episode.Id}"))!.Meta!.VersionId);
        Assert.Equal("1", (await Client.ReadAsync<CareTeam>($"CareTeam/{team.Id}"))!.Meta!.VersionId);
    }

    [Fact]
    public async Task OverdueFollowUps_AreFoundPerResponsibleWorker_AndPerOrganisation_ForThoseWhoMaySeeThem()
    {
        var s = await WorkflowScenario.CreateAsync(Client);
        var (episode, team) = await StartAsync(Http, s.Start());
        var overdue = Assert.Single(await FollowUpsAsync((await Client.CreateAsync(s.Plan(episode.Id, team.Id, RequestStatus.Active)))!.Id));
        overdue.Restriction!.Period!.End = Days(-3);
        await Client.UpdateAsync(overdue);
        var onTime = Assert.Single(await FollowUpsAsync((await Client.CreateAsync(s.Plan(episode.Id, team.Id, RequestStatus.Active)))!.Id));
        var organization = (await Client.ReadAsync<PractitionerRole>(s.Worker))!.Organization!.Reference;
        var worklist = $"/fhir/Task?code={FollowUpCode}&status={JointClientWorkflow.OpenTaskStatuses}&due=lt{Today}";
        using var worker = Factory.CreateClient(s.WorkerToken);
        using var stranger = Factory.CreateClient(WorkflowScenario.OutsiderToken);

        var byWorker = await FhirTest.ReadAsync<Bundle>(await worker.GetAsync($"{worklist}&owner={s.Worker}"));
        var byOrganization = await FhirTest.ReadAsync<Bundle>(await worker.GetAsync($"{worklist}&owner:PractitionerRole.organization={organization}"));
        var hidden = await FhirTest.ReadAsync<Bundle>(await stranger.GetAsync($"{worklist}&owner={s.Worker}"));

        Assert.Equal([overdue.Id], byWorker.Entry.Select(e => e.Resource!.Id));
        Assert.Contains(overdue.Id, byOrganization.Entry.Select(e => e.Resource!.Id));
        Assert.DoesNotContain(onTime.Id, byOrganization.Entry.Select(e => e.Resource!.Id));
        Assert.Empty(hidden.Entry);
    }

    [Fact]
    public async Task WithoutPlan_ListsEpisodesOlderThanTheAge_ThatHaveNoPlan()
    {
        var s = await WorkflowScenario.CreateAsync(Client);
        var (old, _) = await StartAsync(Http, WithStart(s.Start(), Days(-20)));
        var (planned, plannedTeam) = await StartAsync(Http, WithStart(s.Start(), Days(-20)));
        await Client.CreateAsync(s.Plan(planned.Id, plannedTeam.Id, RequestStatus.Draft));
        var (fresh, _) = await StartAsync(Http, s.Start());
        using var worker = Factory.CreateClient(s.WorkerToken);
        using var stranger = Factory.CreateClient(WorkflowScenario.OutsiderToken);

        var listed = await FhirTest.ReadAsync<Bundle>(await worker.GetAsync("/fhir/EpisodeOfCare/$without-plan?age=14d&_count=1000"));
        var longer = await FhirTest.ReadAsync<Bundle>(await worker.GetAsync("/fhir/EpisodeOfCare/$without-plan?age=30d&_count=1000"));
        var hidden = await FhirTest.ReadAsync<Bundle>(await stranger.GetAsync("/fhir/EpisodeOfCare/$without-plan?_count=1000"));
        using var bad = await worker.GetAsync("/fhir/EpisodeOfCare/$without-plan?age=two-weeks");

        var ids = listed.Entry.Select(e => e.Resource!.Id).ToList();
        Assert.Contains(old.Id, ids);
        Assert.DoesNotContain(planned.Id, ids);
        Assert.DoesNotContain(fresh.Id, ids);
        Assert.DoesNotContain(old.Id, longer.Entry.Select(e => e.Resource!.Id));
        Assert.DoesNotContain(old.Id, hidden.Entry.Select(e => e.Resource!.Id));
        Assert.Equal(
            "$without-plan: age must be a number of days such as 14d (got 'two-weeks').",
            (await FhirTest.AssertOutcomeAsync(bad, HttpStatusCode.BadRequest)).Issue[0].Diagnostics);
    }

    [Fact]
    public async Task TheCapabilityStatement_DeclaresTheWorkflowOperations_OnEpisodeOfCare()
    {
        var metadata = await FhirTest.ReadAsync<CapabilityStatement>(await Http.GetAsync("/fhir/metadata"));

        var episode = metadata.Rest[0].Resource.Single(r => r.Type == "EpisodeOfCare");
        Assert.Empty(new[] { "start-joint-client", "end", "change-responsible-worker", "without-plan" }.Except(episode.Operation.Select(o => o.Name)));
        Assert.Contains(metadata.Rest[0].Resource.Single(r => r.Type == "Task").SearchParam, p => p.Name == "due" && p.Type == SearchParamType.Date);
    }

    /// <summary>Every workflow endpoint, called by the responsible worker, writes exactly these entries ("kind:action:subtype:patient?:basis:outcome").</summary>
    [Fact]
    public async Task EveryWorkflowEndpoint_WritesExactlyItsLogEntries()
    {
        var s = await WorkflowScenario.CreateAsync(Client);
        var (episode, _) = await StartAsync(Http, WithStart(s.Start(), Days(-20)));
        using var worker = Factory.CreateClient(s.WorkerToken);
        using var outsider = Factory.CreateClient(WorkflowScenario.OutsiderToken);
        var p = s.PatientId;
        var calls = new (string Name, HttpClient Http, Func<HttpRequestMessage> Request, HttpStatusCode Status, string[] Entries)[]
        {
            ("start", worker, () => new(HttpMethod.Post, "/fhir/EpisodeOfCare/$start-joint-client") { Content = FhirTest.Json(s.Start("client-request")) },
                HttpStatusCode.OK, [$"access:C:operation:{p}:care-relationship:0"]),
            ("without-plan", worker, () => new(HttpMethod.Get, "/fhir/EpisodeOfCare/$without-plan?age=14d&_count=1000"),
                // The worker's organisation is not the controller: what the worklist returns is also a disclosure.
                HttpStatusCode.OK, [$"access:R:operation:{p}:care-relationship:0", $"disclosure:E:operation:{p}:care-relationship:0"]),
            ("change refused", outsider, () => new(HttpMethod.Post, $"/fhir/EpisodeOfCare/{episode.Id}/$change-responsible-worker") { Content = FhirTest.Json(ChangeParameters(s.Member, null)) },
                HttpStatusCode.Forbidden, [$"access:R:operation:{p}:none:4"]),
            ("change", worker, () => new(HttpMethod.Post, $"/fhir/EpisodeOfCare/{episode.Id}/$change-responsible-worker") { Content = FhirTest.Json(ChangeParameters(s.Member, null)) },
                HttpStatusCode.OK, [$"access:U:operation:{p}:care-relationship:0"]),
            ("end", worker, () => new(HttpMethod.Post, $"/fhir/EpisodeOfCare/{episode.Id}/$end") { Content = FhirTest.Json(EndParameters("client-withdrew")) },
                HttpStatusCode.OK, [$"access:U:operation:{p}:care-relationship:0"]),
        };

        foreach (var (name, http, request, status, expected) in calls)
        {
            var requestId = "workflow-" + FhirTest.Unique();
            using var message = request();
            message.Headers.Add("X-Request-Id", requestId);
            using var response = await http.SendAsync(message);
            Assert.True(response.StatusCode == status, $"{name}: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");

            var user = http == outsider ? null : s.WorkerUser;
            var logged = (await SearchLogAsync($"patient={p}&_count=1000"))
                .Where(e => e.Entity.Any(x => x.Detail.Any(d => d.Type == FhirBridge.Core.Audit.AuditEventFactory.RequestIdDetail && ((FhirString)d.Value!).Value == requestId)))
                .Select(e => $"{(e.Type!.Code == FhirBridge.Core.Audit.AuditEntries.DisclosureTypeCode ? "disclosure" : "access")}:{e.Action}:{e.Subtype[0].Code}:{FhirBridge.Core.Audit.AuditEntries.From(e, "").PatientId ?? "-"}:{e.PurposeOfEvent.FirstOrDefault()?.Coding[0].Code ?? ""}:{FhirBridge.Core.Audit.AuditEntries.From(e, "").Outcome}")
                .ToList();
            Assert.True(expected.Order().SequenceEqual(logged.Order()), $"{name}: expected [{string.Join(", ", expected)}] but logged [{string.Join(", ", logged)}]");
        }
    }

    private async Task<(EpisodeOfCare Episode, CareTeam Team)> StartAsync(HttpClient http, Parameters parameters)
    {
        using var response = await http.PostAsync("/fhir/EpisodeOfCare/$start-joint-client", FhirTest.Json(parameters));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var bundle = await FhirTest.ReadAsync<Bundle>(response);
        return (Assert.IsType<EpisodeOfCare>(bundle.Entry[0].Resource), Assert.IsType<CareTeam>(bundle.Entry[1].Resource));
    }

    private async Task<List<FhirTask>> FollowUpsAsync(string? planId) =>
        (await Client.SearchAsync<FhirTask>([$"focus=CarePlan/{planId}", $"code={FollowUpCode}", "_count=100"]))!.Entry
            .Select(e => (FhirTask)e.Resource!).ToList();

    private static Parameters WithStart(Parameters parameters, string start)
    {
        parameters.Add("start", new Date(start));
        return parameters;
    }

    private static Parameters EndParameters(string reason, string? note = null)
    {
        var parameters = new Parameters();
        parameters.Add("reason", new Coding(JointClient.EndReasonSystem, reason));
        if (note is not null)
        {
            parameters.Add("note", new FhirString(note));
        }

        return parameters;
    }

    private static Parameters ChangeParameters(string worker, string? role)
    {
        var parameters = new Parameters();
        parameters.Add("responsibleWorker", new ResourceReference(worker));
        if (role is not null)
        {
            parameters.Add("role", new Coding(JointClient.CareTeamRoleSystem, role));
        }

        return parameters;
    }
}
