using FhirBridge.Core.Errors;
using FhirBridge.Core.Operations;
using FhirBridge.Core.Search;
using FhirBridge.Core.Storage;
using Hl7.Fhir.Model;
using Task = Hl7.Fhir.Model.Task;

namespace FhirBridge.Core.Workflow;

/// <summary>
/// The multidisciplinary plan's rules on every write path (DOMAIN.md steps 4, 5, 7): creating an open plan or activating
/// one needs an active joint-client episode of the same client, the client's own goal and exactly one active responsible
/// worker in the plan's team, who is the episode's care manager. Activation schedules a FollowUpTask due on the plan's
/// next-review-date (2–3 months after activation — period.start, or the day of the write when the plan states none; set to <see cref="WorkflowSettings.FollowUpAfter"/> when the plan
/// states none). Completing a follow-up while the plan is active schedules the next one and moves the plan's review date.
/// </summary>
internal sealed class PlanRules(WorkflowSettings settings, TimeProvider time) : IWriteRules
{
    public async Task<IReadOnlyList<FollowingWrite>> ApplyAsync(IStoreSession lookups, Resource resource, CancellationToken cancellationToken) => resource switch
    {
        CarePlan plan when JointClient.IsPlan(plan) => await PlanAsync(lookups, plan, cancellationToken),
        Task task when JointClient.IsFollowUp(task) => await FollowUpAsync(lookups, task, cancellationToken),
        _ => [],
    };

    private DateOnly Today => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);

    private async Task<IReadOnlyList<FollowingWrite>> PlanAsync(IStoreSession lookups, CarePlan plan, CancellationToken cancellationToken)
    {
        var previous = await StoreLookups.GetAsync<CarePlan>(lookups, $"CarePlan/{plan.Id}", cancellationToken);
        var activating = plan.Status == RequestStatus.Active && previous?.Status != RequestStatus.Active;
        var creatingOpen = previous is null && plan.Status is RequestStatus.Draft or RequestStatus.Active or RequestStatus.OnHold;
        if (!activating && !creatingOpen)
        {
            return [];
        }

        var episode = await ActiveEpisodeAsync(lookups, plan, cancellationToken);
        if (plan.Goal.Count == 0 && string.IsNullOrWhiteSpace(plan.GetStringExtension(JointClient.ClientOwnGoalExtension)))
        {
            throw new UnprocessableEntityException(
                "The client's own goal is missing: a multidisciplinary plan needs a goal or the client-own-goal extension.", "CarePlan.goal");
        }

        var worker = await ResponsibleWorkerAsync(lookups, plan, episode, cancellationToken);
        if (!activating)
        {
            return [];
        }

        var due = ReviewDate(plan, ActivationDate(plan));
        return [new FollowingWrite(FollowUp(plan, episode.Id!, worker, due))];
    }

    private async Task<EpisodeOfCare> ActiveEpisodeAsync(IStoreSession lookups, CarePlan plan, CancellationToken cancellationToken)
    {
        const string where = "CarePlan.extension('" + JointClient.EpisodeExtension + "')";
        var reference = JointClient.EpisodeOf(plan)
            ?? throw new UnprocessableEntityException("A multidisciplinary plan must name its joint-client episode (extension joint-client-episode).", where);
        var episode = await StoreLookups.GetAsync<EpisodeOfCare>(lookups, reference, cancellationToken)
            ?? throw new UnprocessableEntityException($"The plan's joint-client episode {reference} is not known.", where);
        if (episode.Status != EpisodeOfCare.EpisodeOfCareStatus.Active)
        {
            throw new UnprocessableEntityException(
                $"{reference} is {episode.Status?.ToString().ToLowerInvariant() ?? "without status"}: a multidisciplinary plan is created or activated only in an active joint clientship.",
                where);
        }

        if (ReferenceText.Canonical(plan.Subject?.Reference) != ReferenceText.Canonical(episode.Patient?.Reference))
        {
            throw new UnprocessableEntityException($"The plan's subject {plan.Subject?.Reference} is not the client {episode.Patient?.Reference} of {reference}.", "CarePlan.subject");
        }

        return episode;
    }

    private async Task<ResourceReference> ResponsibleWorkerAsync(IStoreSession lookups, CarePlan plan, EpisodeOfCare episode, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var workers = new List<ResourceReference>();
        foreach (var reference in plan.CareTeam.Select(t => t.Reference))
        {
            if (await StoreLookups.GetAsync<CareTeam>(lookups, reference, cancellationToken) is { Status: CareTeam.CareTeamStatus.Active } team)
            {
                workers.AddRange(team.Participant
                    .Where(p => JointClient.IsResponsible(p) && FhirDateRange.Covers(p.Period, now))
                    .Select(p => p.Member)
                    .OfType<ResourceReference>());
            }
        }

        var distinct = workers.DistinctBy(w => ReferenceText.Canonical(w.Reference)).ToList();
        if (distinct.Count != 1)
        {
            throw new UnprocessableEntityException(
                $"The plan's active care team has {distinct.Count} active responsible workers: exactly one is needed (participant extension responsible-worker).",
                "CarePlan.careTeam");
        }

        var worker = distinct[0];
        if (ReferenceText.Canonical(worker.Reference) != ReferenceText.Canonical(episode.CareManager?.Reference))
        {
            throw new UnprocessableEntityException(
                $"The team's responsible worker {worker.Reference} is not the care manager {episode.CareManager?.Reference} of EpisodeOfCare/{episode.Id}.",
                "CarePlan.careTeam");
        }

        return worker;
    }

    /// <summary>
    /// The day the plan took effect: its period.start when it states one (a plan recorded after it was agreed, e.g. moved
    /// from another system), otherwise today.
    /// </summary>
    private DateOnly ActivationDate(CarePlan plan) =>
        plan.Period?.Start is { } start && FhirDateRange.TryParse(start, out var from, out _) ? DateOnly.FromDateTime(from.UtcDateTime) : Today;

    /// <summary>The plan's next review date, checked to lie 2–3 months after <paramref name="today"/> (its activation), or set to the default.</summary>
    private DateOnly ReviewDate(CarePlan plan, DateOnly today)
    {
        var stated = JointClient.NextReviewDate(plan);
        if (stated is null)
        {
            var due = settings.DueAfter(today);
            plan.SetExtension(JointClient.NextReviewDateExtension, new Date(WorkflowSettings.Text(due)));
            return due;
        }

        var (from, to) = WorkflowSettings.ReviewWindow(today);
        if (WorkflowSettings.ParseDate(stated) is not { } date || date < from || date > to)
        {
            throw new UnprocessableEntityException(
                $"The next review date {stated} is not 2–3 months after the plan's activation on {WorkflowSettings.Text(today)}: it must lie between {WorkflowSettings.Text(from)} and {WorkflowSettings.Text(to)}.",
                "CarePlan.extension('" + JointClient.NextReviewDateExtension + "')");
        }

        return date;
    }

    private async Task<IReadOnlyList<FollowingWrite>> FollowUpAsync(IStoreSession lookups, Task task, CancellationToken cancellationToken)
    {
        if (task.Status != Task.TaskStatus.Completed
            || await StoreLookups.GetAsync<Task>(lookups, $"Task/{task.Id}", cancellationToken) is not { } previous
            || previous.Status == Task.TaskStatus.Completed
            || await StoreLookups.GetAsync<CarePlan>(lookups, task.Focus?.Reference, cancellationToken) is not { Status: RequestStatus.Active } plan
            || JointClient.EpisodeOf(plan) is not { } episodeReference
            || await StoreLookups.GetAsync<EpisodeOfCare>(lookups, episodeReference, cancellationToken) is not { Status: EpisodeOfCare.EpisodeOfCareStatus.Active } episode)
        {
            return [];
        }

        var due = settings.DueAfter(Today);
        var moved = (CarePlan)plan.DeepCopy();
        moved.SetExtension(JointClient.NextReviewDateExtension, new Date(WorkflowSettings.Text(due)));
        return
        [
            new FollowingWrite(FollowUp(plan, episode.Id!, episode.CareManager ?? task.Owner!, due)),
            new FollowingWrite(moved, plan.Id),
        ];
    }

    private Task FollowUp(CarePlan plan, string episodeId, ResourceReference owner, DateOnly due)
    {
        var task = new Task
        {
            Extension = [JointClient.EpisodeLink(episodeId)],
            Status = Task.TaskStatus.Requested,
            Intent = Task.TaskIntent.Order,
            Code = new CodeableConcept { Coding = [new Coding(JointClient.TaskCodeSystem, JointClient.FollowUpReview, "Follow-up review of the plan")] },
            Description = "Follow-up review of the multidisciplinary plan with the client: check progress and correct the plan.",
            Focus = new ResourceReference($"CarePlan/{plan.Id}"),
            For = (ResourceReference)plan.Subject.DeepCopy(),
            Owner = new ResourceReference(owner.Reference),
            AuthoredOn = time.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ssK", System.Globalization.CultureInfo.InvariantCulture),
            Restriction = new Task.RestrictionComponent { Period = new Period { End = WorkflowSettings.Text(due) } },
        };
        JointClient.Claim(task, JointClient.FollowUpTaskProfile);
        return task;
    }
}
