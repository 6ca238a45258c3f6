using FhirBridge.Core.Fhir;
using FhirBridge.Core.Tests.Profiles;
using FhirBridge.Core.Validation;
using Hl7.Fhir.Model;
using static Hl7.Fhir.Model.OperationOutcome;

namespace FhirBridge.Core.Tests.Validation;

/// <summary>Official-style R4 examples of the four core types in CoreExamples/ pass base validation (no profile).</summary>
public sealed class CoreExampleTests
{
    private static readonly ProfileValidator Validator = new(new ConformanceSource(FhirBridgePackage.Resources));

    private static readonly string Folder =
        Path.Combine(Path.GetDirectoryName(ProfilePackage.Folder)!, "tests", "FhirBridge.Core.Tests", "Validation", "CoreExamples");

    private static readonly IReadOnlyList<string> FileNames =
        [.. Directory.EnumerateFiles(Folder, "*.json").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal)];

    public static TheoryData<string> Files => ProfilePackage.Theory(FileNames);

    [Fact]
    public void CoreExamples_CoverTheFourCoreTypes()
    {
        Assert.Equal(["CarePlan", "CareTeam", "Consent", "EpisodeOfCare"], FileNames.Select(f => Load(f).TypeName).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void CoreExample_PassesBaseValidation(string file)
    {
        var resource = Load(file);

        Assert.Empty(resource.Meta?.Profile ?? []);
        Outcomes.AssertNoErrors(Validator.Validate(resource));
    }

    // CareTeam.status is 0..1 in R4; the other three require it (https://hl7.org/fhir/R4/careplan.html#resource).
    [Theory]
    [InlineData("CarePlan-example.json")]
    [InlineData("Consent-example.json")]
    [InlineData("EpisodeOfCare-example.json")]
    public void CoreExample_WithoutRequiredStatus_FailsBaseValidation(string file)
    {
        var resource = Load(file);
        resource.GetType().GetProperty("StatusElement")!.SetValue(resource, null);

        var outcome = Validator.Validate(resource);

        Outcomes.AssertIssue(outcome, IssueSeverity.Error, IssueType.Required, $"{resource.TypeName}.status");
    }

    private static Resource Load(string file) => FhirSerializer.ParseJson(File.ReadAllText(Path.Combine(Folder, file)));
}
