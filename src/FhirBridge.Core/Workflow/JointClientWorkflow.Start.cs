using FhirBridge.Core.Errors;
using FhirBridge.Core.Operations;
using FhirBridge.Core.Security;
using FhirBridge.Core.Storage;
using Hl7.Fhir.Model;

namespace FhirBridge.Core.Workflow;

/// <summary>Starting a joint clientship (DOMAIN.md steps 1, 2, 5, 6).</summary>
public sealed partial class JointClientWorkflow
{
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
}
