using FhirBridge.Core.Errors;
using FhirBridge.Core.Operations;
using FhirBridge.Core.Search;
using FhirBridge.Core.Tests.Audit;
using FhirBridge.Core.Workflow;
using FhirBridge.Storage;
using Hl7.Fhir.Model;
using Microsoft.Data.Sqlite;
using FhirTask = Hl7.Fhir.Model.Task;
using Task = System.Threading.Tasks.Task;

namespace FhirBridge.Core.Tests.Workflow;

/// <summary>
/// The joint-client rules without HTTP or access control: a <see cref="ResourceService"/> with workflow settings (follow-up
/// after 9 weeks) over SQLite, on a clock fixed at 2026-03-02.
/// </summary>
public sealed class WorkflowTests : IAsyncLifetime
{
    private const string Oid = "1.2.246.10.99990001";
    private const string OtherOid = "1.2.246.10.99990002";
    private static readonly Uri Base = new("http://localhost/fhir");

    private readonly string _path = Path.Combine(Path.GetTempPath(), $"fhirbridge-workflow-{Guid.NewGuid():N}.db");
    private readonly FixedTime _time = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
    private SqlResourceStore? _store;
    private ResourceService _service = null!;

    private JointClientWorkflow Workflow => _service.Workflow!;

    public async Task InitializeAsync()
    {
        _store = await ResourceStoreFactory.CreateAsync(new StorageOptions(StorageOptions.Sqlite, _path));
        var registry = new SearchParameterRegistry();
        _service = new ResourceService(
            _store, new IndexExtractor(registry), new SearchQueryParser(registry), _time, new PageSizes(10, 100), workflow: new WorkflowSettings(TimeSpan.FromDays(63)));
    }

    public async Task DisposeAsync()
    {
        await _store!.DisposeAsync();
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" })
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData(70, true)]
    [InlineData(60, true)]
    [InlineData(92, true)]
    [InlineData(59, false)]
    [InlineData(93, false)]
    public void FollowUpAfter_IsAllowedOnlyWithinTwoToThreeMonths(int days, bool allowed)
    {
        Assert.Equal(allowed, WorkflowSettings.IsAllowed(TimeSpan.FromDays(days)));
        Assert.False(WorkflowSettings.IsAllowed(TimeSpan.FromDays(days) + TimeSpan.FromHours(1)));
    }

    [Fact]
    public void ReviewWindow_IsTwoToThreeCalendarMonths()
    {
        Assert.Equal((new DateOnly(2026, 2, 28), new DateOnly(2026, 3, 31)), WorkflowSettings.ReviewWindow(new DateOnly(2025, 12, 31)));
    }

    [Fact]
    public async Task Start_ThenActivePlan_SchedulesTheFollowUpAtTheConfiguredTime()
    {
        var (patient, worker, _, consent) = await ClientAsync();
        var started = await Workflow.StartAsync(StartParameters(patient, worker, consent), Base, default);
        var episode = (EpisodeOfCare)started.Entry[0].Resource!;
        var team = (CareTeam)started.Entry[1].Resource!;

        var plan = (CarePlan)(await _service.CreateAsync("CarePlan", Plan(patient, episode.Id!, team.Id!, RequestStatus.Active), null, default)).Resource!;

        Assert.Equal("2026-05-04", JointClient.NextReviewDate(plan));
        var task = Assert.Single(await FollowUpsAsync(plan.Id!));
        Assert.Equal(("2026-05-04", worker, FhirTask.TaskStatus.Requested), (task.Restriction!.Period!.End, task.Owner!.Reference, task.Status));
    }

    [Fact]
    public async Task Start_IsRefused_WhenTheConsentDoesNotCoverAMembersOrganisation()
    {
        var (patient, worker, outsider, consent) = await ClientAsync();
        var parameters = StartParameters(patient, worker, consent);
        parameters.Parameter.Add(Member(outsider, "police"));

        var error = await Assert.ThrowsAsync<UnprocessableEntityException>(() => Workflow.StartAsync(parameters, Base, default));

        Assert.Contains($"(urn:oid:{OtherOid}) of team member {outsider} for care-team data", error.Issues[0].Diagnostics);
        Assert.Empty((await _service.SearchAsync("EpisodeOfCare", [new("patient", patient)], new RequestContext(Base, false), default)).Bundle.Entry);
    }

    [Fact]
    public async Task Start_ChecksAPractitionersOrganisationsThroughTheirRoles_AndAcceptsCloseOnes()
    {
        var (patient, worker, outsider, consent) = await ClientAsync();
        var practitioner = await CreateAsync(new Practitioner { Name = [new HumanName { Family = "Poliisi" }] });
        var role = (PractitionerRole)(await _service.ReadAsync("PractitionerRole", outsider["PractitionerRole/".Length..], null, default)).Resource!;
        role.Practitioner = new ResourceReference(practitioner);
        await _service.UpdateAsync("PractitionerRole", role.Id!, role, null, default);
        const string closeOne = "RelatedPerson/laheinen-1"; // RelatedPerson is not a type this server stores: the reference stands alone.
        var withCloseOne = StartParameters(patient, worker, consent);
        withCloseOne.Parameter.Add(Member(closeOne, "close-one"));
        var withPractitioner = StartParameters(patient, worker, consent);
        withPractitioner.Parameter.Add(Member(practitioner, "police"));

        var started = await Workflow.StartAsync(withCloseOne, Base, default);
        var error = await Assert.ThrowsAsync<UnprocessableEntityException>(() => Workflow.StartAsync(withPractitioner, Base, default));

        Assert.Equal(closeOne, ((CareTeam)started.Entry[1].Resource!).Participant[1].Member!.Reference);
        Assert.Contains($"(urn:oid:{OtherOid}) of team member {practitioner} for care-team data", error.Issues[0].Diagnostics);
    }

    [Fact]
    public async Task Start_IsRefused_WhenADenialCoversTheResponsibleWorkersOrganisation_DespiteThePermit()
    {
        var (patient, worker, _, consent) = await ClientAsync();
        var permit = (Consent)(await _service.ReadAsync("Consent", consent["Consent/".Length..], null, default)).Resource!;
        var denial = (Consent)permit.DeepCopy();
        denial.Id = null;
        denial.Provision!.Type = Consent.ConsentProvisionType.Deny;
        denial.Provision.Class = [new Coding(FhirBridge.Core.Security.PatientCompartment.DataClassSystem, "episode")];
        await CreateAsync(denial);

        var error = await Assert.ThrowsAsync<UnprocessableEntityException>(() => Workflow.StartAsync(StartParameters(patient, worker, consent), Base, default));

        Assert.EndsWith($"(urn:oid:{Oid}) of team member {worker} for episode data.", error.Issues[0].Diagnostics);
    }

    [Fact]
    public async Task Plan_IsRefused_InAPlannedEpisode_AndWithoutTheClientsOwnGoal()
    {
        var (patient, worker, _, consent) = await ClientAsync();
        var planned = await Workflow.StartAsync(StartParameters(patient, worker, consent, "close-one-concern"), Base, default);
        var active = await Workflow.StartAsync(StartParameters(patient, worker, consent), Base, default);

        var inPlanned = await Assert.ThrowsAsync<UnprocessableEntityException>(() =>
            _service.CreateAsync("CarePlan", Plan(patient, planned.Entry[0].Resource!.Id!, planned.Entry[1].Resource!.Id!, RequestStatus.Draft), null, default));
        var noGoal = Plan(patient, active.Entry[0].Resource!.Id!, active.Entry[1].Resource!.Id!, RequestStatus.Draft);
        noGoal.RemoveExtension(JointClient.ClientOwnGoalExtension);
        var withoutGoal = await Assert.ThrowsAsync<UnprocessableEntityException>(() => _service.CreateAsync("CarePlan", noGoal, null, default));

        Assert.EndsWith("is planned: a multidisciplinary plan is created or activated only in an active joint clientship.", inPlanned.Issues[0].Diagnostics);
        Assert.Equal(["CarePlan.goal"], withoutGoal.Issues[0].Expression);
    }

    [Fact]
    public async Task Plan_IsRefused_WhenTheTeamsResponsibleWorkerIsNoLongerActive()
    {
        var (patient, worker, _, consent) = await ClientAsync();
        var started = await Workflow.StartAsync(StartParameters(patient, worker, consent), Base, default);
        var team = (CareTeam)started.Entry[1].Resource!;
        team.Participant[0].Period!.End = "2026-03-01";
        await _service.UpdateAsync("CareTeam", team.Id!, team, null, default);

        var error = await Assert.ThrowsAsync<UnprocessableEntityException>(() =>
            _service.CreateAsync("CarePlan", Plan(patient, started.Entry[0].Resource!.Id!, team.Id!, RequestStatus.Draft), null, default));

        Assert.Equal(
            "The plan's active care team has 0 active responsible workers: exactly one is needed (participant extension responsible-worker).",
            error.Issues[0].Diagnostics);
        Assert.Equal(["CarePlan.careTeam"], error.Issues[0].Expression);
    }

    [Fact]
    public async Task CompletingTheFollowUp_SchedulesTheNextFromTheCompletionDay()
    {
        var (patient, worker, _, consent) = await ClientAsync();
        var started = await Workflow.StartAsync(StartParameters(patient, worker, consent), Base, default);
        var plan = (await _service.CreateAsync("CarePlan", Plan(patient, started.Entry[0].Resource!.Id!, started.Entry[1].Resource!.Id!, RequestStatus.Active), null, default)).Resource!;
        var first = Assert.Single(await FollowUpsAsync(plan.Id!));
        _time.Now = _time.Now.AddDays(60);

        first.Status = FhirTask.TaskStatus.Completed;
        await _service.UpdateAsync("Task", first.Id!, first, null, default);

        var next = Assert.Single(await FollowUpsAsync(plan.Id!), t => t.Status == FhirTask.TaskStatus.Requested);
        Assert.Equal("2026-07-03", next.Restriction!.Period!.End);
    }

    private async Task<List<FhirTask>> FollowUpsAsync(string planId) =>
        [.. (await _service.SearchAsync("Task", [new("focus", $"CarePlan/{planId}")], new RequestContext(Base, false), default)).Bundle.Entry.Select(e => (FhirTask)e.Resource!)];

    private async Task<(string Patient, string Worker, string Outsider, string Consent)> ClientAsync()
    {
        var patient = await CreateAsync(new Patient { Name = [new HumanName { Family = "Testinen" }] });
        var worker = await RoleAsync(Oid);
        var outsider = await RoleAsync(OtherOid);
        var consent = await CreateAsync(new Consent
        {
            Status = Consent.ConsentState.Active,
            Scope = new CodeableConcept("http://terminology.hl7.org/CodeSystem/consentscope", "patient-privacy"),
            Category = [new CodeableConcept("http://loinc.org", "59284-0")],
            Patient = new ResourceReference(patient),
            Provision = new Consent.provisionComponent
            {
                Type = Consent.ConsentProvisionType.Permit,
                Actor = [new Consent.provisionActorComponent
                {
                    Role = new CodeableConcept("http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "IRCP"),
                    Reference = new ResourceReference { Identifier = new Identifier { System = "urn:oid:" + Oid } },
                }],
            },
        });
        return (patient, worker, outsider, consent);
    }

    private async Task<string> RoleAsync(string oid)
    {
        var organization = await CreateAsync(new Organization { Identifier = [new Identifier { System = "urn:oid:" + oid }] });
        return await CreateAsync(new PractitionerRole { Organization = new ResourceReference(organization) });
    }

    private async Task<string> CreateAsync(Resource resource)
    {
        var stored = (await _service.CreateAsync(resource.TypeName, resource, null, default)).Stored;
        return $"{stored.Type}/{stored.Id}";
    }

    private static Parameters StartParameters(string patient, string worker, string consent, string trigger = JointClient.FrequentEmergencyVisits)
    {
        var parameters = new Parameters();
        parameters.Add("patient", new ResourceReference(patient));
        parameters.Add("trigger", new Coding(JointClient.TriggerSystem, trigger));
        parameters.Add("responsibleWorker", new ResourceReference(worker));
        parameters.Add("consent", new ResourceReference(consent));
        return parameters;
    }

    private static Parameters.ParameterComponent Member(string reference, string role) => new()
    {
        Name = "member",
        Part = [new() { Name = "reference", Value = new ResourceReference(reference) }, new() { Name = "role", Value = new Coding(JointClient.CareTeamRoleSystem, role) }],
    };

    private static CarePlan Plan(string patient, string episodeId, string teamId, RequestStatus status)
    {
        var plan = new CarePlan
        {
            Extension = [JointClient.EpisodeLink(episodeId)],
            Status = status,
            Intent = CarePlan.CarePlanIntent.Plan,
            Category = [new CodeableConcept(JointClient.PlanCategorySystem, JointClient.PlanCategory)],
            Subject = new ResourceReference(patient),
            CareTeam = [new ResourceReference($"CareTeam/{teamId}")],
        };
        plan.SetExtension(JointClient.ClientOwnGoalExtension, new FhirString("Arki sujuu"));
        return plan;
    }
}
