using FhirBridge.Core.Population;
using Hl7.Fhir.Model;

namespace FhirBridge.Cli.Seed;

/// <summary>Builds a seeded client's FHIR resources, conforming to the FhirBridge profiles where a must-conform rule applies.</summary>
internal sealed class SeedResources(SeedDirectory directory)
{
    /// <summary>The synthetic service types of the seeded encounters (not a national code system).</summary>
    public const string ServiceTypeSystem = "https://fhirbridge.example/seed/service-type";

    private const string Base = PopulationCodes.Base;

    /// <summary>The client's resources in write order: a team before the episode that names it, the episode before what links to it.</summary>
    public IEnumerable<Resource> For(SeedClient client)
    {
        var subject = new ResourceReference($"Patient/{client.Id}") { Identifier = new Identifier(HetuSystem, client.IdentityCode) };
        yield return Patient(client);
        foreach (var visit in client.Visits)
        {
            yield return Encounter(visit, subject);
        }

        if (client.Flag is { } flag)
        {
            yield return new Flag
            {
                Id = flag.Id,
                Meta = Profile("JustifiedReasonFlag"),
                Status = Hl7.Fhir.Model.Flag.FlagStatus.Active,
                Code = new CodeableConcept(PopulationCodes.IdentificationSystem, PopulationCodes.JustifiedReason, "Justified reason not to list"),
                Subject = subject,
                Period = new Period { Start = Day(flag.Start), End = Day(flag.End) },
            };
        }

        if (client.Episode is { } episode)
        {
            foreach (var resource in Episode(client, episode, subject))
            {
                yield return resource;
            }
        }
    }

    private const string HetuSystem = "urn:oid:1.2.246.21";

    private static Patient Patient(SeedClient client) => new()
    {
        Id = client.Id,
        Identifier = [new Identifier(HetuSystem, client.IdentityCode)],
        Name = [new HumanName { Family = client.Family, Given = [client.Given] }],
        Gender = client.Gender,
        BirthDate = Day(client.BirthDate),
        Address =
        [
            new Address
            {
                City = client.Municipality.Name,
                Country = "FI",
                Extension = [new Extension("https://hl7.fi/fhir/finnish-base-profiles/StructureDefinition/municipality-code", new Coding("urn:oid:1.2.246.537.6.21", client.Municipality.Code, client.Municipality.Name))],
            },
        ],
    };

    private static Encounter Encounter(SeedVisit visit, ResourceReference subject)
    {
        var (actCode, service, display) = visit.Kind switch
        {
            VisitKind.Emergency => (PopulationCodes.Emergency, "emergency", "Päivystys"),
            VisitKind.HealthCentre => ("AMB", "health-centre", "Terveysaseman vastaanotto"),
            VisitKind.SocialWork => ("AMB", "social-work", "Aikuissosiaalityö"),
            _ => ("AMB", "mental-health", "Mielenterveyspalvelut"),
        };
        return new Encounter
        {
            Id = visit.Id,
            Status = Hl7.Fhir.Model.Encounter.EncounterStatus.Finished,
            Class = new Coding(PopulationCodes.ActCodeSystem, actCode),
            ServiceType = new CodeableConcept { Coding = [new Coding(ServiceTypeSystem, service, display)] },
            Subject = subject,
            ServiceProvider = new ResourceReference($"Organization/{visit.OrganizationId}"),
            Period = new Period { StartElement = new FhirDateTime(visit.Start), EndElement = new FhirDateTime(visit.Start.AddHours(2)) },
        };
    }

    private IEnumerable<Resource> Episode(SeedClient client, SeedEpisode episode, ResourceReference subject)
    {
        var manager = Pick(directory.RolesOf("social-worker"), client.Id);
        var nurse = Pick(directory.RolesOf("nurse"), client.Id);
        var county = new ResourceReference($"Organization/{directory.County}");
        var link = new Extension(PopulationCodes.EpisodeExtension, new ResourceReference($"EpisodeOfCare/{episode.Id}"));
        var finished = episode.Status is EpisodeOfCare.EpisodeOfCareStatus.Finished or EpisodeOfCare.EpisodeOfCareStatus.Cancelled;
        var teamId = episode.Id + "-team";
        yield return new CareTeam
        {
            Id = teamId,
            Meta = Profile("JointCareTeam"),
            Extension = [link],
            Status = finished ? CareTeam.CareTeamStatus.Inactive : CareTeam.CareTeamStatus.Active,
            Name = "Omatiimi",
            Subject = subject,
            Participant =
            [
                new CareTeam.ParticipantComponent
                {
                    Extension = [new Extension($"{Base}/StructureDefinition/responsible-worker", new FhirBoolean(true))],
                    Role = [new CodeableConcept(SeedDirectory.CareTeamRoleSystem, "social-worker")],
                    Member = new ResourceReference($"PractitionerRole/{manager}"),
                },
                new CareTeam.ParticipantComponent
                {
                    Role = [new CodeableConcept(SeedDirectory.CareTeamRoleSystem, "nurse")],
                    Member = new ResourceReference($"PractitionerRole/{nurse}"),
                },
            ],
            ManagingOrganization = [county],
        };
        var eoc = new EpisodeOfCare
        {
            Id = episode.Id,
            Meta = Profile("JointClientEpisode"),
            Extension = [new Extension($"{Base}/StructureDefinition/joint-client-trigger", new CodeableConcept($"{Base}/CodeSystem/joint-client-trigger", "frequent-emergency-visits"))],
            Status = episode.Status,
            Type = [new CodeableConcept { Coding = [new Coding(PopulationCodes.EpisodeTypeSystem, PopulationCodes.JointClient, "Joint clientship")] }],
            Patient = subject,
            ManagingOrganization = county,
            Period = new Period { Start = Day(episode.Start), End = episode.End is { } end ? Day(end) : null },
            CareManager = new ResourceReference($"PractitionerRole/{manager}"),
            Team = [new ResourceReference($"CareTeam/{teamId}")],
        };
        if (episode.Status == EpisodeOfCare.EpisodeOfCareStatus.Finished)
        {
            eoc.Extension.Add(new Extension($"{Base}/StructureDefinition/episode-end-reason", new CodeableConcept($"{Base}/CodeSystem/joint-client-end-reason", "goals-met")));
        }

        yield return eoc;
        yield return Consent(episode, subject, county);
        if (episode.PlanActivated is { } activated)
        {
            yield return Plan(episode, activated, subject, link, teamId, manager);
            foreach (var (domain, scores) in episode.Scores)
            {
                foreach (var (when, score) in scores)
                {
                    yield return Score($"{episode.Id}-{domain}-{Day(when)}", "WhoqolBrefDomainScore", domain, when, score, subject, link);
                }
            }

            yield return Score($"{episode.Id}-ors", "SessionFeedbackScore", PopulationCodes.Ors, activated, 18 + (client.Id.Length % 10), subject, link);
        }
    }

    private Consent Consent(SeedEpisode episode, ResourceReference subject, ResourceReference county) => new()
    {
        Id = episode.Id + "-consent",
        Meta = Profile("DisclosureConsent"),
        Status = Hl7.Fhir.Model.Consent.ConsentState.Active,
        Scope = new CodeableConcept("http://terminology.hl7.org/CodeSystem/consentscope", "patient-privacy"),
        Category =
        [
            new CodeableConcept($"{Base}/CodeSystem/consent-category", "joint-client-disclosure"),
            new CodeableConcept("http://loinc.org", "59284-0"),
        ],
        Patient = subject,
        DateTime = Day(episode.Start),
        Performer = [subject],
        Organization = [county],
        Policy = [new Hl7.Fhir.Model.Consent.PolicyComponent { Uri = "https://www.finlex.fi/fi/laki/alkup/2023/20230703" }],
        Provision = new Hl7.Fhir.Model.Consent.provisionComponent
        {
            Type = Hl7.Fhir.Model.Consent.ConsentProvisionType.Permit,
            Period = new Period { Start = Day(episode.Start), End = Day(episode.Start.AddYears(1)) },
            Actor =
            [
                new Hl7.Fhir.Model.Consent.provisionActorComponent
                {
                    Role = new CodeableConcept("http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "IRCP"),
                    Reference = new ResourceReference($"Organization/{directory.Employment}"),
                },
            ],
            Purpose = [new Coding(Core.Security.Caller.PurposeOfUseSystem, "CAREMGT")],
            Class = [new Coding($"{Base}/CodeSystem/consent-data-class", "plan"), new Coding($"{Base}/CodeSystem/consent-data-class", "episode")],
        },
    };

    private CarePlan Plan(SeedEpisode episode, DateOnly activated, ResourceReference subject, Extension link, string teamId, string manager)
    {
        var active = episode.Status == EpisodeOfCare.EpisodeOfCareStatus.Active;
        var plan = new CarePlan
        {
            Id = episode.Id + "-plan",
            Meta = Profile("MultidisciplinaryPlan"),
            Extension = [link, new Extension($"{Base}/StructureDefinition/client-own-goal", new FhirString("Haluan vähentää päivystyskäyntejä ja saada arjen hallintaan."))],
            Status = active ? RequestStatus.Active : RequestStatus.Completed,
            Intent = CarePlan.CarePlanIntent.Plan,
            Category = [new CodeableConcept(PopulationCodes.PlanCategorySystem, PopulationCodes.MultidisciplinaryPlan)],
            Title = "Monialainen suunnitelma",
            Subject = subject,
            Period = new Period { Start = Day(activated) },
            Created = Day(activated),
            CareTeam = [new ResourceReference($"CareTeam/{teamId}")],
            Activity =
            [
                new CarePlan.ActivityComponent
                {
                    Detail = new CarePlan.DetailComponent
                    {
                        Status = active ? CarePlan.CarePlanActivityStatus.InProgress : CarePlan.CarePlanActivityStatus.Completed,
                        Description = "Säännöllinen vastaanotto terveysasemalla päivystyskäyntien sijaan.",
                        Scheduled = new FhirString("kahden viikon välein"),
                        Performer = [new ResourceReference($"PractitionerRole/{manager}")],
                    },
                },
            ],
        };
        if (active)
        {
            plan.Extension.Add(new Extension($"{Base}/StructureDefinition/next-review-date", new Date(Day(activated.AddDays(70)))));
        }

        return plan;
    }

    private static Observation Score(string id, string profile, string code, DateOnly when, int value, ResourceReference subject, Extension link) => new()
    {
        Id = id,
        Meta = Profile(profile),
        Extension = [link],
        Status = ObservationStatus.Final,
        Code = new CodeableConcept(PopulationCodes.OutcomeSystem, code),
        Subject = subject,
        Effective = new FhirDateTime(new DateTimeOffset(when.ToDateTime(new TimeOnly(10, 0)), TimeSpan.Zero)),
        Value = new Quantity { Value = value, Unit = "score", System = "http://unitsofmeasure.org", Code = "{score}" },
    };

    private static Meta Profile(string name) => new() { Profile = [$"{Base}/StructureDefinition/{name}"] };

    private static string Pick(IReadOnlyList<string> ids, string key) => ids[(int)(SeedDirectory.StableHash(key) % (uint)ids.Count)];

    private static string Day(DateOnly date) => date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
