using FhirBridge.Core.Search;
using Hl7.Fhir.Model;

namespace FhirBridge.Core.Workflow;

/// <summary>
/// The FhirBridge package's joint-client vocabulary (profiles/): profile, extension and code-system URLs, and how the
/// workflow reads them off the resources.
/// </summary>
public static class JointClient
{
    public const string Base = "https://fhirbridge.fi/fhir";

    public const string EpisodeProfile = Base + "/StructureDefinition/JointClientEpisode";
    public const string CareTeamProfile = Base + "/StructureDefinition/JointCareTeam";
    public const string PlanProfile = Base + "/StructureDefinition/MultidisciplinaryPlan";
    public const string FollowUpTaskProfile = Base + "/StructureDefinition/FollowUpTask";

    public const string TriggerExtension = Base + "/StructureDefinition/joint-client-trigger";
    public const string EndReasonExtension = Base + "/StructureDefinition/episode-end-reason";
    public const string ResponsibleWorkerExtension = Base + "/StructureDefinition/responsible-worker";
    public const string EpisodeExtension = Base + "/StructureDefinition/joint-client-episode";
    public const string ClientOwnGoalExtension = Base + "/StructureDefinition/client-own-goal";
    public const string NextReviewDateExtension = Base + "/StructureDefinition/next-review-date";

    public const string TriggerSystem = Base + "/CodeSystem/joint-client-trigger";
    public const string EndReasonSystem = Base + "/CodeSystem/joint-client-end-reason";
    public const string TaskCodeSystem = Base + "/CodeSystem/task-code";
    public const string CareTeamRoleSystem = Base + "/CodeSystem/care-team-role";
    public const string EpisodeTypeSystem = Base + "/CodeSystem/episode-type";
    public const string PlanCategorySystem = Base + "/CodeSystem/care-plan-category";

    public const string EpisodeType = "joint-client";
    public const string PlanCategory = "multidisciplinary-collaboration-plan";
    public const string FollowUpReview = "follow-up-review";

    /// <summary>The trigger that starts a clientship active: the frequent-user list (heräte from emergency visits).</summary>
    public const string FrequentEmergencyVisits = "frequent-emergency-visits";

    /// <summary>Whether the plan is a multidisciplinary plan (the category the must-conform rule also keys on).</summary>
    public static bool IsPlan(CarePlan plan) => plan.Category.Any(c => c.Coding.Any(x => x.System == PlanCategorySystem && x.Code == PlanCategory));

    /// <summary>Whether the task is a plan's follow-up review.</summary>
    public static bool IsFollowUp(Hl7.Fhir.Model.Task task) => task.Code?.Coding.Any(x => x.System == TaskCodeSystem && x.Code == FollowUpReview) == true;

    /// <summary>The "EpisodeOfCare/id" a team, plan or task names in its joint-client-episode extension.</summary>
    public static string? EpisodeOf(DomainResource resource) =>
        (resource.GetExtensionValue<ResourceReference>(EpisodeExtension))?.Reference is { } text && ReferenceText.TryParseRelative(text, out var type, out var id)
            ? $"{type}/{id}"
            : null;

    public static Extension EpisodeLink(string episodeId) => new(EpisodeExtension, new ResourceReference($"EpisodeOfCare/{episodeId}"));

    /// <summary>Whether the participant is flagged as the responsible worker (vastuutyöntekijä).</summary>
    public static bool IsResponsible(CareTeam.ParticipantComponent participant) =>
        participant.GetExtensionValue<FhirBoolean>(ResponsibleWorkerExtension)?.Value == true;

    /// <summary>The plan's next review date (next-review-date extension), when it states one.</summary>
    public static string? NextReviewDate(CarePlan plan) => plan.GetExtensionValue<Date>(NextReviewDateExtension)?.Value;

    public static bool ClaimsProfile(Resource resource, string profile) => resource.Meta?.Profile.Contains(profile) == true;

    public static void Claim(Resource resource, string profile)
    {
        resource.Meta ??= new Meta();
        if (!ClaimsProfile(resource, profile))
        {
            resource.Meta.Profile = [.. resource.Meta.Profile, profile];
        }
    }
}
