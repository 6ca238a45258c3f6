namespace FhirBridge.Core.Population;

/// <summary>The codes and canonicals the identification and outcome operations read and write (profiles/ defines them).</summary>
public static class PopulationCodes
{
    public const string Base = "https://fhirbridge.fi/fhir";

    /// <summary>CodeSystem of the identification (tunnistaminen) codes: the justified-reason Flag and the candidate review List.</summary>
    public const string IdentificationSystem = Base + "/CodeSystem/joint-client-identification";

    /// <summary>Flag.code of a justified reason not to list the client as a candidate (until Flag.period.end).</summary>
    public const string JustifiedReason = "justified-reason";

    /// <summary>List.code of a persisted candidate review run.</summary>
    public const string CandidateReview = "candidate-review";

    /// <summary>List.identifier system of a review run: the value is the organisation reviewed, or <see cref="AllOrganizations"/>.</summary>
    public const string ReviewScopeSystem = Base + "/sid/candidate-review-scope";

    public const string AllOrganizations = "all";

    /// <summary>CodeSystem of the outcome measures: WHOQOL-BREF domains and ORS/SRS session feedback.</summary>
    public const string OutcomeSystem = Base + "/CodeSystem/outcome-measure";

    /// <summary>The four WHOQOL-BREF domains (transformed 0-100 scores), in report order.</summary>
    public static readonly IReadOnlyList<string> WhoqolDomains = ["whoqol-physical", "whoqol-psychological", "whoqol-social", "whoqol-environment"];

    public const string Ors = "ors";
    public const string Srs = "srs";

    public const string EpisodeTypeSystem = Base + "/CodeSystem/episode-type";
    public const string JointClient = "joint-client";

    public const string PlanCategorySystem = Base + "/CodeSystem/care-plan-category";
    public const string MultidisciplinaryPlan = "multidisciplinary-collaboration-plan";

    /// <summary>The extension that links a team, plan, task or outcome Observation to its joint-client episode.</summary>
    public const string EpisodeExtension = Base + "/StructureDefinition/joint-client-episode";

    /// <summary>Encounter.class of an emergency visit.</summary>
    public const string ActCodeSystem = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
    public const string Emergency = "EMER";
}
