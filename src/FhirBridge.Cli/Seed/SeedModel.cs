using Hl7.Fhir.Model;

namespace FhirBridge.Cli.Seed;

/// <summary>What to generate: <see cref="Patients"/> clients from <see cref="Seed"/>, dated relative to <see cref="AsOf"/>.</summary>
public sealed record SeedOptions(int Patients, int Seed, DateOnly AsOf);

/// <summary>The kinds of visit the population has: each is an Encounter class plus a service type.</summary>
public enum VisitKind
{
    Emergency,
    HealthCentre,
    SocialWork,
    MentalHealth,
}

/// <summary>One visit of a client.</summary>
public sealed record SeedVisit(string Id, VisitKind Kind, DateTimeOffset Start, string OrganizationId);

/// <summary>A client's joint-client episode; plan activation and scores only once the episode got that far.</summary>
/// <param name="Scores">Per WHOQOL-BREF domain code, the scores in time order (first at plan activation).</param>
public sealed record SeedEpisode(
    string Id,
    EpisodeOfCare.EpisodeOfCareStatus Status,
    DateOnly Start,
    DateOnly? End,
    DateOnly? PlanActivated,
    IReadOnlyDictionary<string, IReadOnlyList<(DateOnly When, int Score)>> Scores);

/// <summary>A justified reason (Flag) not to list the client, in force from <see cref="Start"/> to <see cref="End"/>.</summary>
public sealed record SeedFlag(string Id, DateOnly Start, DateOnly End);

/// <summary>One synthetic client: who they are and what happened to them; the resources are built from this.</summary>
public sealed record SeedClient(
    string Id,
    string IdentityCode,
    string Family,
    string Given,
    AdministrativeGender Gender,
    DateOnly BirthDate,
    (string Code, string Name) Municipality,
    IReadOnlyList<SeedVisit> Visits,
    SeedEpisode? Episode,
    SeedFlag? Flag)
{
    /// <summary>Whether the candidate review leaves the client out on <paramref name="asOf"/>: an active or planned episode, or a flag in force.</summary>
    public bool IsExcluded(DateOnly asOf) =>
        Episode?.Status is EpisodeOfCare.EpisodeOfCareStatus.Active or EpisodeOfCare.EpisodeOfCareStatus.Planned
        || (Flag is { } flag && flag.Start <= asOf && flag.End >= asOf);
}

/// <summary>A known answer of $joint-client-candidates: the client and the emergency visits counted.</summary>
public sealed record ExpectedCandidate(string PatientId, int Count);
