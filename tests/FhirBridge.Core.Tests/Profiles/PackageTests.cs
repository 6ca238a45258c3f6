using System.Text.Json;
using System.Text.RegularExpressions;
using Hl7.Fhir.Model;

namespace FhirBridge.Core.Tests.Profiles;

public sealed class PackageTests
{
    public static TheoryData<string> ResourceFiles => ProfilePackage.Theory(ProfilePackage.ResourceFiles);

    [Fact]
    public void PackageJson_DeclaresNameVersionCanonicalFhirVersionAndCoreDependency()
    {
        using var manifest = JsonDocument.Parse(ProfilePackage.ReadText("package.json"));
        var root = manifest.RootElement;

        Assert.Equal(ProfilePackage.Name, root.GetProperty("name").GetString());
        Assert.Equal("0.1.0", root.GetProperty("version").GetString());
        Assert.Equal(ProfilePackage.Canonical, root.GetProperty("canonical").GetString());
        Assert.Equal(["4.0.1"], root.GetProperty("fhirVersions").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal("4.0.1", root.GetProperty("dependencies").GetProperty("hl7.fhir.r4.core").GetString());
    }

    [Theory]
    [MemberData(nameof(ResourceFiles))]
    public void ResourceFile_ParsesStrictlyAndIsNamedTypeDashId(string file)
    {
        var resource = ProfilePackage.Load(file);

        Assert.Equal($"{resource.TypeName}-{resource.Id}.json", Path.GetFileName(file));
    }

    [Fact]
    public void Definitions_HaveCanonicalUrlsBuiltFromTypeAndId()
    {
        var definitions = ProfilePackage.Definitions.Cast<IVersionableConformanceResource>().ToList();

        Assert.NotEmpty(definitions);
        Assert.All(definitions, d =>
        {
            var resource = (Resource)d;
            Assert.Equal($"{ProfilePackage.Canonical}/{resource.TypeName}/{resource.Id}", d.Url);
            Assert.Equal("0.1.0", d.Version);
        });
    }

    [Fact]
    public void Package_HasEveryProfileTheJointClientshipNeeds()
    {
        var profiles = ProfilePackage.StructureDefinitions
            .Where(sd => sd.Kind == StructureDefinition.StructureDefinitionKind.Resource)
            .Select(sd => (sd.Id, sd.Type))
            .Order();

        Assert.Equal(
            [
                ("AccessLogEvent", "AuditEvent"), ("ConnectedSystemEndpoint", "Endpoint"), ("DisclosureConsent", "Consent"), ("DisclosureLogEvent", "AuditEvent"),
                ("FollowUpTask", "Task"), ("JointCareTeam", "CareTeam"), ("JointClientEpisode", "EpisodeOfCare"),
                ("JustifiedReasonFlag", "Flag"), ("MultidisciplinaryPlan", "CarePlan"), ("SessionFeedbackScore", "Observation"),
                ("StatutoryPlanReference", "DocumentReference"), ("WhoqolBrefDomainScore", "Observation"),
            ],
            profiles);
    }

    [Fact]
    public void Files_UseOnlyTestPersonalIdentityCodes()
    {
        // Test henkilötunnus values have 9 as the 8th character; a real person's code never may appear here.
        var codes = ProfilePackage.ResourceFiles
            .SelectMany(f => Regex.Matches(ProfilePackage.ReadText(f), @"\b\d{6}[-+A]\d{3}[0-9A-Y]\b"))
            .Select(m => m.Value)
            .ToList();

        Assert.NotEmpty(codes);
        Assert.All(codes, code => Assert.Equal('9', code[7]));
    }
}
