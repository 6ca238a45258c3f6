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
public sealed partial class JointClientWorkflow
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
