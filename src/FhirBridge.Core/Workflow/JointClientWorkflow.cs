using System.Globalization;
using FhirBridge.Core.Errors;
using FhirBridge.Core.Operations;
using FhirBridge.Core.Search;
using FhirBridge.Core.Security;
using FhirBridge.Core.Storage;
using Hl7.Fhir.Model;
using Task = Hl7.Fhir.Model.Task;

namespace FhirBridge.Core.Workflow;

/// <summary>
/// The joint-client lifecycle operations (issue #6, DOMAIN.md steps 1–8): start, change of the responsible worker, end,
/// and the episodes-without-a-plan worklist. Each operation is one store unit of work; its writes go through the same
/// validation, plan rules and access checks as plain writes, so nothing is half-written when a rule refuses.
/// </summary>
public sealed class JointClientWorkflow
{
    /// <summary>Follow-up statuses that still wait for someone.</summary>
    public const string OpenTaskStatuses = "draft,requested,received,accepted,ready,in-progress,on-hold";

    private const string OpenPlanStatuses = "draft,active,on-hold";

    private readonly IResourceStore _store;
    private readonly ResourceOperations _resources;
    private readonly QueryOperations _queries;
    private readonly StoreLookups _lookups;
    private readonly ConsentCoverage _coverage;
    private readonly AccessPolicy _policy;
    private readonly TimeProvider _time;

    internal JointClientWorkflow(
        IResourceStore store, ResourceOperations resources, QueryOperations queries, ISearchQueryParser parser, AccessPolicy policy, TimeProvider time)
    {
        _store = store;
        _resources = resources;
        _queries = queries;
        _lookups = new StoreLookups(parser);
        _coverage = new ConsentCoverage(policy, _lookups);
        _policy = policy;
        _time = time;
    }

    private DateOnly Today => DateOnly.FromDateTime(_time.GetUtcNow().UtcDateTime);

    private string? PurposeOfUse => (_store as GuardedStore)?.Trail.Caller.PurposeOfUse;

    // The route checks the scope on EpisodeOfCare; the other types an operation writes need theirs too (as transaction entries do).
    private void Authorize(ScopeAction action, params string[] types)
    {
        if (_store is GuardedStore guarded)
        {
            foreach (var type in types)
            {
                _policy.CheckInteraction(guarded.Trail.Caller, type, action);
            }
        }
    }

    /// <summary>
    /// POST EpisodeOfCare/$start-joint-client: creates the JointClientEpisode and its JointCareTeam together. Returns a
    /// collection Bundle: the episode, then the team.
    /// </summary>
    public Task<Bundle> StartAsync(Parameters? parameters, Uri baseUrl, CancellationToken cancellationToken)
    {
        Authorize(ScopeAction.Create, "CareTeam", "EpisodeOfCare");
        var input = new OperationInput("$start-joint-client", parameters);
        var patient = input.Reference("patient", "Patient");
        var trigger = input.Coding("trigger", JointClient.TriggerSystem);
        var worker = input.Reference("responsibleWorker", "PractitionerRole");
        var workerRole = input.OptionalCoding("responsibleWorkerRole", JointClient.CareTeamRoleSystem)
            ?? new Coding(JointClient.CareTeamRoleSystem, "other-professional");
        var consent = input.Reference("consent", "Consent");
        var organization = input.OptionalReference("managingOrganization", "Organization");
        var start = input.OptionalDate("start") ?? Today;
        var status = StartStatus(input, trigger);
        var members = input.Repeated("member").Select(m => (
            Member: m.Parts.Reference("reference", "PractitionerRole", "Practitioner", "RelatedPerson"),
            Role: m.Parts.Coding("role", JointClient.CareTeamRoleSystem),
            Path: m.Path)).ToList();

        return _store.WriteAsync(
            async (session, token) =>
            {
                var lookups = session.ForInternalLookups();
                _ = await StoreLookups.GetAsync<Patient>(lookups, patient, token)
                    ?? throw new UnprocessableEntityException($"The client {patient} is not known.", input.PathOf("patient"));
                await ConsentCoverage.EnsurePermitAsync(lookups, consent, patient, _time.GetUtcNow(), input.PathOf("consent"), token);
                await _coverage.EnsureCoveredAsync(
                    lookups, patient, [(worker, input.PathOf("responsibleWorker")), .. members.Select(m => (m.Member, m.Path))], PurposeOfUse, token);
                var managing = organization ?? (await _coverage.OrganizationsOfAsync(lookups, worker, token)).Select(o => o.Organization).FirstOrDefault()
                    ?? throw new UnprocessableEntityException($"The responsible worker {worker} names no organisation: give managingOrganization.", input.PathOf("responsibleWorker"));

                var episodeId = ResourceRules.NewId();
                var teamId = ResourceRules.NewId();
                var active = status == EpisodeOfCare.EpisodeOfCareStatus.Active;
                var team = new CareTeam
                {
                    Extension = [JointClient.EpisodeLink(episodeId)],
                    Status = active ? CareTeam.CareTeamStatus.Active : CareTeam.CareTeamStatus.Proposed,
                    Subject = new ResourceReference(patient),
                    Period = new Period { Start = WorkflowSettings.Text(start) },
                    ManagingOrganization = [Reference(managing)],
                    Participant =
                    [
                        Participant(worker, workerRole, start, responsible: true),
                        .. members.Select(m => Participant(m.Member, m.Role, start, responsible: false)),
                    ],
                };
                JointClient.Claim(team, JointClient.CareTeamProfile);
                var episode = new EpisodeOfCare
                {
                    Extension = [new Extension(JointClient.TriggerExtension, new CodeableConcept { Coding = [trigger] })],
                    Status = status,
                    Type = [new CodeableConcept { Coding = [new Coding(JointClient.EpisodeTypeSystem, JointClient.EpisodeType, "Joint clientship")] }],
                    Patient = new ResourceReference(patient),
                    ManagingOrganization = Reference(managing),
                    Period = new Period { Start = WorkflowSettings.Text(start) },
                    CareManager = new ResourceReference(worker),
                    Team = [new ResourceReference($"CareTeam/{teamId}")],
                };
                JointClient.Claim(episode, JointClient.EpisodeProfile);

                // The team first: the episode's team reference is checked against the stored JointCareTeam.
                var writtenTeam = await _resources.CreateAsync(session, "CareTeam", team, null, teamId, baseUrl, token);
                var writtenEpisode = await _resources.CreateAsync(session, "EpisodeOfCare", episode, null, episodeId, baseUrl, token);
                return Collection(baseUrl, [writtenEpisode, writtenTeam]);
            },
            cancellationToken);
    }

    /// <summary>
    /// POST EpisodeOfCare/[id]/$end: finishes the episode with its end reason and date, completes its active plans and
    /// revokes its draft (and on-hold) ones, cancels their open follow-ups, and ends the team. Returns a collection Bundle
    /// of every version written, the episode first.
    /// </summary>
    public Task<Bundle> EndAsync(string id, Parameters? parameters, Uri baseUrl, CancellationToken cancellationToken)
    {
        Authorize(ScopeAction.Update, "EpisodeOfCare", "CareTeam", "CarePlan", "Task");
        var input = new OperationInput("$end", parameters);
        var reason = input.Coding("reason", JointClient.EndReasonSystem);
        var date = input.OptionalDate("date") ?? Today;
        var note = input.OptionalString("note");

        return _store.WriteAsync(
            async (session, token) =>
            {
                var episode = await OpenEpisodeAsync(session, id, token);
                var end = WorkflowSettings.Text(date);
                if (WorkflowSettings.DayOf(episode.Period?.Start) is { } started && date < started)
                {
                    throw new UnprocessableEntityException($"The end date {end} is before the episode's start {episode.Period!.Start}.", input.PathOf("date"));
                }

                var lookups = session.ForInternalLookups();
                var written = new List<ResourceResult>();
                foreach (var plan in await _lookups.SearchAsync<CarePlan>(lookups, token, ("episode", $"EpisodeOfCare/{id}"), ("status", OpenPlanStatuses)))
                {
                    foreach (var task in await OpenFollowUpsAsync(lookups, plan.Id!, token))
                    {
                        task.Status = Task.TaskStatus.Cancelled;
                        task.StatusReason = new CodeableConcept { Text = $"The joint clientship ended ({reason.Code})." };
                        written.Add(await _resources.PutAsync(session, "Task", task.Id!, task, null, token));
                    }

                    plan.Status = plan.Status == RequestStatus.Active ? RequestStatus.Completed : RequestStatus.Revoked;
                    plan.Period ??= new Period();
                    plan.Period.End = end;
                    written.Add(await _resources.PutAsync(session, "CarePlan", plan.Id!, plan, null, token));
                }

                episode.StatusHistory.Add(new EpisodeOfCare.StatusHistoryComponent { Status = episode.Status, Period = new Period { Start = episode.Period?.Start, End = end } });
                episode.Status = EpisodeOfCare.EpisodeOfCareStatus.Finished;
                episode.Period ??= new Period();
                episode.Period.End = end;
                episode.SetExtension(JointClient.EndReasonExtension, new CodeableConcept { Coding = [reason], Text = note });
                var finished = await _resources.PutAsync(session, "EpisodeOfCare", id, episode, null, token);

                foreach (var team in await TeamsAsync(lookups, episode, token))
                {
                    team.Status = CareTeam.CareTeamStatus.Inactive;
                    team.Period ??= new Period();
                    team.Period.End = end;
                    foreach (var participant in team.Participant.Where(p => p.Period?.End is null))
                    {
                        participant.Period ??= new Period();
                        participant.Period.End = end;
                    }

                    written.Add(await _resources.PutAsync(session, "CareTeam", team.Id!, team, null, token));
                }

                return Collection(baseUrl, [finished, .. written]);
            },
            cancellationToken);
    }

    /// <summary>
    /// POST EpisodeOfCare/[id]/$change-responsible-worker: hands the responsibility to another PractitionerRole on a date
    /// (default today). The team's former responsible participant ends that day (and stays a member unless
    /// keepFormerAsMember=false), the new one starts it, the episode's care manager and the open follow-ups' owner change,
    /// all in one unit of work: exactly one responsible worker in every version. Returns the episode and team written.
    /// </summary>
    public Task<Bundle> ChangeResponsibleWorkerAsync(string id, Parameters? parameters, Uri baseUrl, CancellationToken cancellationToken)
    {
        Authorize(ScopeAction.Update, "EpisodeOfCare", "CareTeam", "Task");
        var input = new OperationInput("$change-responsible-worker", parameters);
        var worker = input.Reference("responsibleWorker", "PractitionerRole");
        var role = input.OptionalCoding("role", JointClient.CareTeamRoleSystem);
        var date = WorkflowSettings.Text(input.OptionalDate("date") ?? Today);
        var keepFormer = input.OptionalBoolean("keepFormerAsMember") ?? true;

        return _store.WriteAsync(
            async (session, token) =>
            {
                var episode = await OpenEpisodeAsync(session, id, token);
                if (ReferenceText.Canonical(episode.CareManager?.Reference) == worker)
                {
                    throw new UnprocessableEntityException($"{worker} is already the responsible worker of EpisodeOfCare/{id}.", input.PathOf("responsibleWorker"));
                }

                var lookups = session.ForInternalLookups();
                await _coverage.EnsureCoveredAsync(lookups, ReferenceText.Canonical(episode.Patient?.Reference)!, [(worker, input.PathOf("responsibleWorker"))], PurposeOfUse, token);
                var teams = await TeamsAsync(lookups, episode, token);
                if (teams.Count == 0)
                {
                    throw new UnprocessableEntityException($"EpisodeOfCare/{id} has no stored care team to hand over in.", "EpisodeOfCare.team");
                }

                var written = new List<ResourceResult>();
                foreach (var team in teams)
                {
                    Hand(team, worker, role, date, keepFormer, input.PathOf("role"));
                    written.Add(await _resources.PutAsync(session, "CareTeam", team.Id!, team, null, token));
                }

                foreach (var plan in await _lookups.SearchAsync<CarePlan>(lookups, token, ("episode", $"EpisodeOfCare/{id}"), ("status", OpenPlanStatuses)))
                {
                    foreach (var task in await OpenFollowUpsAsync(lookups, plan.Id!, token))
                    {
                        task.Owner = new ResourceReference(worker);
                        written.Add(await _resources.PutAsync(session, "Task", task.Id!, task, null, token));
                    }
                }

                episode.CareManager = new ResourceReference(worker);
                var changed = await _resources.PutAsync(session, "EpisodeOfCare", id, episode, null, token);
                return Collection(baseUrl, [changed, .. written]);
            },
            cancellationToken);
    }

    /// <summary>
    /// GET EpisodeOfCare/$without-plan?age=14d: planned or active joint-client episodes that started at least
    /// <c>age</c> days ago (default 14) and have no multidisciplinary plan yet (the model's 1–2 weeks to the joint meeting).
    /// A searchset Bundle of the episodes the caller may see; the access log names only those.
    /// </summary>
    public Task<SearchResult> WithoutPlanAsync(IReadOnlyList<KeyValuePair<string, string>> parameters, RequestContext context, CancellationToken cancellationToken)
    {
        var age = Age(parameters);
        var cutoff = Today.AddDays(-age);
        return _store.ReadAsync(
            async (session, token) =>
            {
                // Which episodes qualify is the server's own finding; only the episodes themselves reach the caller, through the guard.
                var lookups = session.ForInternalLookups();
                var episodes = (await _lookups.SearchAsync<EpisodeOfCare>(
                        lookups, token, ("type", $"{JointClient.EpisodeTypeSystem}|{JointClient.EpisodeType}"), ("status", "planned,active")))
                    .Where(e => WorkflowSettings.DayOf(e.Period?.Start) is { } started && started <= cutoff)
                    .ToList();
                var planned = new HashSet<string>(StringComparer.Ordinal);
                foreach (var chunk in episodes.Chunk(50))
                {
                    var plans = await _lookups.SearchAsync<CarePlan>(lookups, token, ("episode", string.Join(',', chunk.Select(e => $"EpisodeOfCare/{e.Id}"))));
                    planned.UnionWith(plans.Where(p => p.Status is not (RequestStatus.EnteredInError or RequestStatus.Revoked)).Select(JointClient.EpisodeOf).OfType<string>());
                }

                var ids = episodes.Select(e => e.Id).Where(i => !planned.Contains($"EpisodeOfCare/{i}")).ToList();
                List<KeyValuePair<string, string>> search =
                [
                    new("_id", ids.Count == 0 ? "-" : string.Join(',', ids)),
                    .. parameters.Where(p => p.Key is "_count" or "_sort" or "_total" or "_elements" or "_summary"),
                ];
                return await _queries.SearchAsync(session, "EpisodeOfCare", search, context, token);
            },
            cancellationToken);
    }

    private static int Age(IReadOnlyList<KeyValuePair<string, string>> parameters)
    {
        var text = parameters.LastOrDefault(p => p.Key == "age").Value;
        if (text is null)
        {
            return 14;
        }

        var digits = text.EndsWith('d') ? text[..^1] : text;
        return int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var days) && days <= 3650
            ? days
            : throw new BadRequestException($"$without-plan: age must be a number of days such as 14d (got '{text}').", "age");
    }

    private static EpisodeOfCare.EpisodeOfCareStatus StartStatus(OperationInput input, Coding trigger)
    {
        var frequentUser = trigger.Code == JointClient.FrequentEmergencyVisits;
        switch (input.OptionalCode("status"))
        {
            case null:
                return frequentUser ? EpisodeOfCare.EpisodeOfCareStatus.Active : EpisodeOfCare.EpisodeOfCareStatus.Planned;
            case "planned":
                return EpisodeOfCare.EpisodeOfCareStatus.Planned;
            case "active" when frequentUser:
                return EpisodeOfCare.EpisodeOfCareStatus.Active;
            case "active":
                throw new UnprocessableEntityException(
                    $"A joint clientship raised by '{trigger.Code}' starts planned (the trigger is its reason): activate it once the joint meeting is agreed.",
                    input.PathOf("status"));
            case var other:
                throw new BadRequestException($"$start-joint-client: the parameter 'status' must be planned or active (got '{other}').", input.PathOf("status"));
        }
    }

    /// <summary>The episode read through the caller's guard (403/404/410 as a read), which must be an unfinished joint clientship.</summary>
    private async Task<EpisodeOfCare> OpenEpisodeAsync(IStoreSession session, string id, CancellationToken cancellationToken)
    {
        var episode = (EpisodeOfCare)(await _resources.ReadAsync(session, "EpisodeOfCare", id, null, cancellationToken)).Resource!;
        if (!episode.Type.Any(t => t.Coding.Any(c => c.System == JointClient.EpisodeTypeSystem && c.Code == JointClient.EpisodeType)))
        {
            throw new UnprocessableEntityException($"EpisodeOfCare/{id} is not a joint clientship (type {JointClient.EpisodeTypeSystem}|{JointClient.EpisodeType}).", "EpisodeOfCare.type");
        }

        if (episode.Status is not (EpisodeOfCare.EpisodeOfCareStatus.Planned or EpisodeOfCare.EpisodeOfCareStatus.Active))
        {
            throw new UnprocessableEntityException(
                $"EpisodeOfCare/{id} is {episode.Status?.ToString().ToLowerInvariant() ?? "without status"}: only a planned or active joint clientship can be changed or ended.",
                "EpisodeOfCare.status");
        }

        return episode;
    }

    private async Task<IReadOnlyList<CareTeam>> TeamsAsync(IStoreSession lookups, EpisodeOfCare episode, CancellationToken cancellationToken)
    {
        var teams = new List<CareTeam>();
        foreach (var reference in episode.Team.Select(t => t.Reference).Distinct())
        {
            if (await StoreLookups.GetAsync<CareTeam>(lookups, reference, cancellationToken) is { } team)
            {
                teams.Add(team);
            }
        }

        return teams;
    }

    private Task<IReadOnlyList<Task>> OpenFollowUpsAsync(IStoreSession lookups, string planId, CancellationToken cancellationToken) =>
        _lookups.SearchAsync<Task>(
            lookups, cancellationToken, ("focus", $"CarePlan/{planId}"), ("code", $"{JointClient.TaskCodeSystem}|{JointClient.FollowUpReview}"), ("status", OpenTaskStatuses));

    /// <summary>Ends the current responsible participant on <paramref name="date"/> and adds <paramref name="worker"/> as the responsible one from it.</summary>
    private static void Hand(CareTeam team, string worker, Coding? role, string date, bool keepFormer, string rolePath)
    {
        var former = team.Participant.Where(JointClient.IsResponsible).ToList();
        role ??= team.Participant.FirstOrDefault(p => ReferenceText.Canonical(p.Member?.Reference) == worker && p.Period?.End is null)?.Role
                .SelectMany(r => r.Coding).FirstOrDefault(c => c.System == JointClient.CareTeamRoleSystem)
            ?? throw new UnprocessableEntityException($"{worker} is not yet a member of CareTeam/{team.Id}: give the role the new responsible worker has in the team.", rolePath);
        foreach (var participant in former)
        {
            // The profile allows one flagged participant per version: the former one's period says until when it was.
            participant.SetExtension(JointClient.ResponsibleWorkerExtension, new FhirBoolean(false));
            participant.Period ??= new Period();
            participant.Period.End = date;
            if (keepFormer)
            {
                team.Participant.Add(new CareTeam.ParticipantComponent
                {
                    Role = [.. participant.Role.Select(r => (CodeableConcept)r.DeepCopy())],
                    Member = (ResourceReference?)participant.Member?.DeepCopy(),
                    Period = new Period { Start = date },
                });
            }
        }

        team.Participant.Add(Participant(worker, role, DateOnly.ParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture), responsible: true));
    }

    private static CareTeam.ParticipantComponent Participant(string member, Coding role, DateOnly start, bool responsible)
    {
        var participant = new CareTeam.ParticipantComponent
        {
            Role = [new CodeableConcept { Coding = [role] }],
            Member = new ResourceReference(member),
            Period = new Period { Start = WorkflowSettings.Text(start) },
        };
        if (responsible)
        {
            participant.SetExtension(JointClient.ResponsibleWorkerExtension, new FhirBoolean(true));
        }

        return participant;
    }

    // An OID is an identifier reference; "Organization/x" a literal one.
    private static ResourceReference Reference(string organization) =>
        organization.StartsWith("urn:oid:", StringComparison.Ordinal)
            ? new ResourceReference { Identifier = new Identifier { System = organization }, Type = "Organization" }
            : new ResourceReference(organization);

    private Bundle Collection(Uri baseUrl, IEnumerable<ResourceResult> written)
    {
        var bundle = new Bundle { Id = ResourceRules.NewId(), Type = Bundle.BundleType.Collection, Timestamp = _time.GetUtcNow() };
        foreach (var result in written)
        {
            var entry = BundleBuilder.Entry(baseUrl, result.Stored, result.Resource);
            bundle.Entry.Add(entry);
        }

        return bundle;
    }
}
