using FhirBridge.Core.Validation;

namespace FhirBridge.Server.Configuration;

/// <summary>What the server validates against (configuration section "Validation").</summary>
public sealed class ValidationOptions
{
    public const string Section = "Validation";

    /// <summary>Extra package folders, JSON files or FHIR package .tgz files loaded besides the embedded FhirBridge package.</summary>
    public List<string> Packages { get; set; } = [];

    /// <summary>The must-conform rules; <see cref="MustConformRule.Defaults"/> when not configured, none when configured empty.</summary>
    public List<MustConformSetting>? MustConform { get; set; }

    public IReadOnlyList<MustConformRule> Rules =>
        MustConform?.Select(s => new MustConformRule(s.ResourceType, s.When, s.Profile, s.LinkedFrom)).ToList() ?? MustConformRule.Defaults;
}

/// <summary>One configured must-conform rule: a <see cref="ResourceType"/> for which the FHIRPath <see cref="When"/> holds (and which a match of the search <see cref="LinkedFrom"/> references, when set) must conform to <see cref="Profile"/>.</summary>
public sealed class MustConformSetting
{
    public string ResourceType { get; set; } = "";

    public string When { get; set; } = "true";

    public string Profile { get; set; } = "";

    /// <summary>See <see cref="MustConformRule.LinkedFrom"/>.</summary>
    public string? LinkedFrom { get; set; }
}
