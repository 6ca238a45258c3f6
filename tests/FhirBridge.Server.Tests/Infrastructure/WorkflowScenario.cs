using FhirBridge.Core.Security;
using FhirBridge.Core.Workflow;
using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;

namespace FhirBridge.Server.Tests.Infrastructure;

/// <summary>
/// A client about to become a joint client, written by the system integration: three organisations with OIDs (the
/// workers' own, a partner and an outsider), PractitionerRoles in them (the responsible worker, a member and a successor
/// in the partner organisation, an outsider), and an active permit consent naming the own and partner organisations.
/// Every identifier is unique, so scenarios sharing a database are independent.
/// </summary>
public sealed class WorkflowScenario
{
    // OIDs of these scenarios alone: a consent naming a shared organisation (TestTokens.Organization) would let other
    // tests' callers see these clients.
    public const string OwnOrganization = "1.2.246.10.60000001";
    public const string PartnerOrganization = "1.2.246.10.60000002";
    public const string OutsiderOrganization = "1.2.246.10.60000003";

    private WorkflowScenario()
    {
    }

    public string PatientId { get; private set; } = "";

    public string Patient => $"Patient/{PatientId}";

    public string ConsentId { get; private set; } = "";

    /// <summary>The responsible worker's PractitionerRole ("PractitionerRole/id") in the callers' organisation.</summary>
    public string Worker { get; private set; } = "";

    public string Member { get; private set; } = "";

    public string Successor { get; private set; } = "";

    public string Outsider { get; private set; } = "";

    public string OutsiderOrganizationId { get; private set; } = "";

    public string WorkerUser { get; } = NewUser();

    public string SuccessorUser { get; } = NewUser();

    public static async Task<WorkflowScenario> CreateAsync(FhirClient system)
    {
        var s = new WorkflowScenario();
        var own = await OrganizationAsync(system, OwnOrganization, "Testikunnan hyvinvointialue");
        var partner = await OrganizationAsync(system, PartnerOrganization, "Kumppanikunta");
        var outsider = await OrganizationAsync(system, OutsiderOrganization, "Ulkopuolinen yhdistys");
        s.OutsiderOrganizationId = outsider;
        s.PatientId = (await system.CreateAsync(FhirTest.Patient("Yhteisasiakas")))!.Id!;
        s.Worker = await RoleAsync(system, s.WorkerUser, own);
        s.Member = await RoleAsync(system, NewUser(), partner);
        s.Successor = await RoleAsync(system, s.SuccessorUser, partner);
        s.Outsider = await RoleAsync(system, NewUser(), outsider);
        var consent = await system.CreateAsync(new Consent
        {
            Status = Consent.ConsentState.Active,
            Scope = new CodeableConcept("http://terminology.hl7.org/CodeSystem/consentscope", "patient-privacy"),
            Category = [new CodeableConcept("http://loinc.org", "59284-0")],
            Patient = new ResourceReference(s.Patient),
            PolicyRule = new CodeableConcept("http://terminology.hl7.org/CodeSystem/v3-ActCode", "OPTIN"),
            Provision = new Consent.provisionComponent
            {
                Type = Consent.ConsentProvisionType.Permit,
                Period = new Period { Start = "2026-01-01", End = "2099-12-31" },
                Actor = [Actor(OwnOrganization), Actor(PartnerOrganization)],
            },
        });
        s.ConsentId = consent!.Id!;
        return s;
    }

    /// <summary>The responsible worker's token (a professional of the callers' organisation).</summary>
    public string WorkerToken => TestTokens.For(CallerRole.ResponsibleWorker, OwnOrganization, WorkerUser, "user/*.cruds");

    /// <summary>A professional of the outsider organisation, which no consent of a scenario covers.</summary>
    public static string OutsiderToken => TestTokens.For(CallerRole.Professional, OutsiderOrganization, NewUser(), "user/*.cruds");

    /// <summary>$start-joint-client's Parameters: the worker responsible, the partner member as a social worker.</summary>
    public Parameters Start(string trigger = JointClient.FrequentEmergencyVisits, string? status = null, params (string Member, string Role)[] members)
    {
        var parameters = new Parameters();
        parameters.Add("patient", new ResourceReference(Patient));
        parameters.Add("trigger", new Coding(JointClient.TriggerSystem, trigger));
        parameters.Add("responsibleWorker", new ResourceReference(Worker));
        parameters.Add("responsibleWorkerRole", new Coding(JointClient.CareTeamRoleSystem, "nurse"));
        parameters.Add("consent", new ResourceReference($"Consent/{ConsentId}"));
        if (status is not null)
        {
            parameters.Add("status", new Code(status));
        }

        foreach (var (member, role) in members.Length == 0 ? [(Member, "social-worker")] : members)
        {
            parameters.Parameter.Add(new Parameters.ParameterComponent
            {
                Name = "member",
                Part =
                [
                    new Parameters.ParameterComponent { Name = "reference", Value = new ResourceReference(member) },
                    new Parameters.ParameterComponent { Name = "role", Value = new Coding(JointClient.CareTeamRoleSystem, role) },
                ],
            });
        }

        return parameters;
    }

    /// <summary>A multidisciplinary plan of the episode, with the client's own goal unless told otherwise.</summary>
    public CarePlan Plan(string? episodeId, string? teamId, RequestStatus status, string? reviewDate = null, bool ownGoal = true)
    {
        var plan = new CarePlan
        {
            Meta = new Meta { Profile = [JointClient.PlanProfile] },
            Extension = [JointClient.EpisodeLink(episodeId!)],
            Status = status,
            Intent = CarePlan.CarePlanIntent.Plan,
            Category = [new CodeableConcept(JointClient.PlanCategorySystem, JointClient.PlanCategory)],
            Subject = new ResourceReference(Patient),
            CareTeam = [new ResourceReference($"CareTeam/{teamId}")],
            Activity =
            [
                new CarePlan.ActivityComponent
                {
                    Detail = new CarePlan.DetailComponent
                    {
                        Status = CarePlan.CarePlanActivityStatus.Scheduled,
                        Description = "Unipäiväkirja ja vastaanotto",
                        Scheduled = new FhirString("Kahden viikon sisällä"),
                        Performer = [new ResourceReference(Worker)],
                    },
                },
            ],
        };
        if (ownGoal)
        {
            plan.SetExtension(JointClient.ClientOwnGoalExtension, new FhirString("Haluan nukkua paremmin."));
        }

        if (reviewDate is not null)
        {
            plan.SetExtension(JointClient.NextReviewDateExtension, new Date(reviewDate));
        }

        return plan;
    }

    private static string NewUser() => $"{JointClientScenario.TerhikkiSystem}|9{Random.Shared.Next(10_000_000, 99_999_999)}";

    private static Consent.provisionActorComponent Actor(string oid) => new()
    {
        Role = new CodeableConcept("http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "IRCP"),
        Reference = new ResourceReference { Identifier = new Identifier { System = "urn:oid:" + oid } },
    };

    private static async Task<string> OrganizationAsync(FhirClient system, string oid, string name) =>
        (await system.CreateAsync(new Organization { Name = name, Identifier = [new Identifier("urn:ietf:rfc:3986", "urn:oid:" + oid)] }))!.Id!;

    private static async Task<string> RoleAsync(FhirClient system, string user, string organizationId)
    {
        var bar = user.IndexOf('|', StringComparison.Ordinal);
        var practitioner = await system.CreateAsync(new Practitioner { Identifier = [new Identifier(user[..bar], user[(bar + 1)..])] });
        var role = await system.CreateAsync(new PractitionerRole
        {
            Practitioner = new ResourceReference($"Practitioner/{practitioner!.Id}"),
            Organization = new ResourceReference($"Organization/{organizationId}"),
        });
        return $"PractitionerRole/{role!.Id}";
    }
}
