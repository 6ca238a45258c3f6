using FhirBridge.Core.Validation;
using Hl7.Fhir.Model;

namespace FhirBridge.Core.Tests.Validation;

public sealed class FhirBridgePackageTests
{
    [Fact]
    public void Embedded_package_has_the_manifest_of_profiles_folder()
    {
        Assert.Equal("fhirbridge.fi.jointcare", FhirBridgePackage.Name);
        Assert.Equal("https://fhirbridge.fi/fhir", FhirBridgePackage.Canonical);
        Assert.False(string.IsNullOrEmpty(FhirBridgePackage.Version));
    }

    [Fact]
    public void Embedded_package_holds_every_profile_and_no_example()
    {
        var profiles = FhirBridgePackage.Resources.OfType<StructureDefinition>().Where(s => s.Kind == StructureDefinition.StructureDefinitionKind.Resource);

        Assert.Equal(
            [
                "AccessLogEvent", "ConnectedSystemEndpoint", "DisclosureConsent", "DisclosureLogEvent", "FollowUpTask", "JointCareTeam", "JointClientEpisode",
                "JustifiedReasonFlag", "MultidisciplinaryPlan", "SessionFeedbackScore", "StatutoryPlanReference", "WhoqolBrefDomainScore",
            ],
            profiles.Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.All(FhirBridgePackage.Resources, r => Assert.True(r is StructureDefinition or ValueSet or CodeSystem or SearchParameter, r.TypeName));
    }

    [Fact]
    public void Embedded_package_loads_into_a_conformance_source()
    {
        var source = new ConformanceSource(FhirBridgePackage.Resources);

        Assert.NotNull(source.FindStructureDefinition("https://fhirbridge.fi/fhir/StructureDefinition/MultidisciplinaryPlan"));
        Assert.Empty(source.LoadProblems);
    }
}
