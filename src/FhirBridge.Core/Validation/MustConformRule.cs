namespace FhirBridge.Core.Validation;

/// <summary>
/// A resource of <see cref="ResourceType"/> for which the FHIRPath <see cref="When"/> is true, and, when
/// <see cref="LinkedFrom"/> is set, which a current resource matching that search references, must conform to
/// <see cref="Profile"/> when written.
/// </summary>
/// <param name="LinkedFrom">
/// A search <c>Type?query</c> in which <see cref="LinkedReference"/> stands for the written resource's
/// <c>Type/id</c>, e.g. <c>EpisodeOfCare?team={reference}</c>; null when the rule needs no linking resource.
/// </param>
public sealed record MustConformRule(string ResourceType, string When, string Profile, string? LinkedFrom = null)
{
    /// <summary>The placeholder in <see cref="LinkedFrom"/> replaced by the written resource's <c>Type/id</c>.</summary>
    public const string LinkedReference = "{reference}";

    private const string Base = "https://fhirbridge.fi/fhir";

    /// <summary>The package's own rules: resources carrying the package's codes or extensions, or linked from a joint-client episode, must conform to its profiles.</summary>
    public static IReadOnlyList<MustConformRule> Defaults { get; } =
    [
        new("CarePlan", Coded("category", "care-plan-category", "multidisciplinary-collaboration-plan"), Definition("MultidisciplinaryPlan")),
        new("EpisodeOfCare", Coded("type", "episode-type", "joint-client"), Definition("JointClientEpisode")),
        new("Consent", Coded("category", "consent-category", "joint-client-disclosure"), Definition("DisclosureConsent")),
        new("Flag", Coded("code", "joint-client-identification", "justified-reason"), Definition("JustifiedReasonFlag")),
        new("Observation", $"code.coding.where(system = '{Base}/CodeSystem/outcome-measure' and code.startsWith('whoqol-')).exists()", Definition("WhoqolBrefDomainScore")),
        new("Observation", $"code.coding.where(system = '{Base}/CodeSystem/outcome-measure' and (code = 'ors' or code = 'srs')).exists()", Definition("SessionFeedbackScore")),
        new(
            "CareTeam",
            $"extension('{Definition("joint-client-episode")}').exists() or participant.extension('{Definition("responsible-worker")}').exists()",
            Definition("JointCareTeam")),

        // EpisodeOfCare?team is the package's own SearchParameter (profiles/SearchParameter-EpisodeOfCare-team.json).
        new("CareTeam", "true", Definition("JointCareTeam"), $"EpisodeOfCare?team={LinkedReference}&type={Base}/CodeSystem/episode-type|joint-client"),
    ];

    private static string Coded(string element, string codeSystem, string code) =>
        $"{element}.coding.where(system = '{Base}/CodeSystem/{codeSystem}' and code = '{code}').exists()";

    private static string Definition(string id) => $"{Base}/StructureDefinition/{id}";
}
