using FhirBridge.Core.Errors;
using FhirBridge.Core.Operations;
using FhirBridge.Core.Security;
using FhirBridge.Core.Storage;
using Hl7.Fhir.Model;
using Task = Hl7.Fhir.Model.Task;

namespace FhirBridge.Core.Workflow;

/// <summary>Ending a joint clientship together with the client (DOMAIN.md step 8).</summary>
public sealed partial class JointClientWorkflow
{
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
}
