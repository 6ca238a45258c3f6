using System.Globalization;
using FhirBridge.Core.Errors;
using FhirBridge.Core.Operations;
using FhirBridge.Core.Search;
using FhirBridge.Core.Security;
using FhirBridge.Core.Storage;
using Hl7.Fhir.Model;

namespace FhirBridge.Core.Workflow;

/// <summary>Handing the responsibility to another worker (DOMAIN.md step 5).</summary>
public sealed partial class JointClientWorkflow
{
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
}
