using FhirBridge.Core.Security;
using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;

namespace FhirBridge.Server.Tests.Infrastructure;

/// <summary>
/// One client and the people around them, written by the system integration: a care team with a member, a joint-client
/// episode managed by a responsible worker, a plan, a consent that lets <see cref="ConsentOrganization"/> receive plan
/// data, and a permit plus a denial (luovutuskielto) for <see cref="DeniedOrganization"/>. Every identifier is unique.
/// </summary>
public sealed class JointClientScenario
{
    public const string ConsentOrganization = "1.2.246.10.87654321";
    public const string DeniedOrganization = "1.2.246.10.11112222";
    public const string TerhikkiSystem = "urn:oid:1.2.246.537.26";

    private JointClientScenario()
    {
    }

    public string PatientId { get; private set; } = "";

    public string CarePlanId { get; private set; } = "";

    public string CareTeamId { get; private set; } = "";

    public string EpisodeId { get; private set; } = "";

    /// <summary>The team member's Practitioner (directory data).</summary>
    public string PractitionerId { get; private set; } = "";

    /// <summary>The team member's PractitionerRole, "PractitionerRole/id".</summary>
    public string MemberRole { get; private set; } = "";

    public string MemberUser { get; } = $"{TerhikkiSystem}|9{Random.Shared.Next(10_000_000, 99_999_999)}";

    public string ManagerUser { get; } = $"{TerhikkiSystem}|9{Random.Shared.Next(10_000_000, 99_999_999)}";

    /// <summary>A user no relation names.</summary>
    public string StrangerUser { get; } = $"{TerhikkiSystem}|9{Random.Shared.Next(10_000_000, 99_999_999)}";

    public static async Task<JointClientScenario> CreateAsync(FhirClient system)
    {
        var scenario = new JointClientScenario();
        var patient = await system.CreateAsync(FhirTest.Patient("Yhteisasiakas"));
        scenario.PatientId = patient!.Id!;
        var subject = new ResourceReference($"Patient/{patient.Id}");
        var (practitioner, member) = await RoleOfAsync(system, scenario.MemberUser);
        scenario.PractitionerId = practitioner;
        scenario.MemberRole = member;
        var (_, manager) = await RoleOfAsync(system, scenario.ManagerUser);
        var team = await system.CreateAsync(new CareTeam
        {
            Status = CareTeam.CareTeamStatus.Active,
            Subject = subject,
            Participant = [new CareTeam.ParticipantComponent { Member = new ResourceReference(member) }],
        });
        scenario.CareTeamId = team!.Id!;
        var episode = await system.CreateAsync(new EpisodeOfCare
        {
            Status = EpisodeOfCare.EpisodeOfCareStatus.Active,
            Patient = subject,
            CareManager = new ResourceReference(manager),
            Period = new Period { Start = "2026-01-01" },
        });
        scenario.EpisodeId = episode!.Id!;
        var plan = await system.CreateAsync(new CarePlan
        {
            Status = RequestStatus.Active,
            Intent = CarePlan.CarePlanIntent.Plan,
            Subject = subject,
            Title = "Yhteinen suunnitelma",
        });
        scenario.CarePlanId = plan!.Id!;
        await system.CreateAsync(ConsentFor(subject, ConsentOrganization, Consent.ConsentProvisionType.Permit));
        await system.CreateAsync(ConsentFor(subject, DeniedOrganization, Consent.ConsentProvisionType.Permit));
        await system.CreateAsync(ConsentFor(subject, DeniedOrganization, Consent.ConsentProvisionType.Deny));
        return scenario;
    }

    /// <summary>A token for a named caller of this scenario (see the matrix tests).</summary>
    public string Token(string caller) => caller switch
    {
        "member" => TestTokens.For(CallerRole.Professional, TestTokens.Organization, MemberUser, "user/*.cruds"),
        "manager" => TestTokens.For(CallerRole.ResponsibleWorker, TestTokens.Organization, ManagerUser, "user/*.cruds"),
        "stranger" or "break-glass" => TestTokens.For(CallerRole.Professional, TestTokens.Organization, StrangerUser, "user/*.cruds"),
        "consent-org" or "consent-org-research" => TestTokens.For(CallerRole.Professional, ConsentOrganization, StrangerUser, "user/*.cruds"),
        "denied-org" => TestTokens.For(CallerRole.Professional, DeniedOrganization, StrangerUser, "user/*.cruds"),
        "no-scope" => TestTokens.For(CallerRole.Professional, TestTokens.Organization, MemberUser, "user/Patient.rs"),
        "compliance" => TestTokens.For(CallerRole.ComplianceOfficer, TestTokens.Organization, StrangerUser, "user/AuditEvent.rs"),
        "admin" => TestTokens.For(CallerRole.Administrator, TestTokens.Organization, StrangerUser, "user/*.cruds"),
        "system" => TestTokens.For(CallerRole.SystemIntegration, TestTokens.Organization, null, "system/*.cruds", clientId: ClientId),
        _ => throw new ArgumentOutOfRangeException(nameof(caller), caller, "No such caller in the scenario."),
    };

    /// <summary>The "who" of a caller's log entries.</summary>
    public string LoggedUser(string caller) => caller switch
    {
        "member" or "no-scope" => MemberUser,
        "manager" => ManagerUser,
        "system" => $"https://fhirbridge.fi/fhir/sid/client-id|{ClientId}",
        _ => StrangerUser,
    };

    public string ClientId { get; } = "ehr-" + FhirTest.Unique();

    private static async Task<(string Practitioner, string Role)> RoleOfAsync(FhirClient system, string user)
    {
        var bar = user.IndexOf('|', StringComparison.Ordinal);
        var practitioner = await system.CreateAsync(new Practitioner { Identifier = [new Identifier(user[..bar], user[(bar + 1)..])] });
        var role = await system.CreateAsync(new PractitionerRole { Practitioner = new ResourceReference($"Practitioner/{practitioner!.Id}") });
        return (practitioner.Id!, $"PractitionerRole/{role!.Id}");
    }

    /// <summary>An active DisclosureConsent of <paramref name="patient"/> naming <paramref name="organization"/> (bare OID) for plan data and care management.</summary>
    public static Consent ConsentFor(ResourceReference patient, string organization, Consent.ConsentProvisionType type) => new()
    {
        Status = Hl7.Fhir.Model.Consent.ConsentState.Active,
        Scope = new CodeableConcept("http://terminology.hl7.org/CodeSystem/consentscope", "patient-privacy"),
        Category = [new CodeableConcept("http://loinc.org", "59284-0")],
        Patient = patient,
        PolicyRule = new CodeableConcept("http://terminology.hl7.org/CodeSystem/v3-ActCode", "OPTIN"),
        Provision = new Consent.provisionComponent
        {
            Type = type,
            Period = new Period { Start = "2026-01-01", End = "2099-12-31" },
            Actor =
            [
                new Consent.provisionActorComponent
                {
                    Role = new CodeableConcept("http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "IRCP"),
                    Reference = new ResourceReference { Identifier = new Identifier { System = "urn:oid:" + organization } },
                },
            ],
            Class = [new Coding("https://fhirbridge.fi/fhir/CodeSystem/consent-data-class", "plan")],
            Purpose = [new Coding(Caller.PurposeOfUseSystem, "CAREMGT")],
        },
    };
}
