namespace FhirBridge.Core.Validation;

/// <summary>A resource of <see cref="ResourceType"/> for which the FHIRPath <see cref="When"/> is true must conform to <see cref="Profile"/> when written.</summary>
public sealed record MustConformRule(string ResourceType, string When, string Profile)
{
    private const string Base = "https://fhirbridge.fi/fhir";

    /// <summary>The package's own rules: resources carrying the package's codes or extensions must conform to its profiles.</summary>
    public static IReadOnlyList<MustConformRule> Defaults { get; } =
    [
        new("CarePlan", Coded("category", "care-plan-category", "multidisciplinary-collaboration-plan"), Definition("MultidisciplinaryPlan")),
        new("EpisodeOfCare", Coded("type", "episode-type", "joint-client"), Definition("JointClientEpisode")),
        new("Consent", Coded("category", "consent-category", "joint-client-disclosure"), Definition("DisclosureConsent")),
        new(
            "CareTeam",
            $"extension('{Definition("joint-client-episode")}').exists() or participant.extension('{Definition("responsible-worker")}').exists()",
            Definition("JointCareTeam")),
    ];

    private static string Coded(string element, string codeSystem, string code) =>
        $"{element}.coding.where(system = '{Base}/CodeSystem/{codeSystem}' and code = '{code}').exists()";

    private static string Definition(string id) => $"{Base}/StructureDefinition/{id}";
}
