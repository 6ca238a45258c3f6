using Hl7.Fhir.FhirPath;
using Hl7.Fhir.Model;

namespace FhirBridge.Core.Tests.Profiles;

public sealed class ExampleTests
{
    public static TheoryData<string> ValidExamples => ProfilePackage.Theory(ProfilePackage.ExpectedOutcomes.Where(o => o.Valid).Select(o => o.File));

    public static TheoryData<string> InvalidExamples => ProfilePackage.Theory(ProfilePackage.ExpectedOutcomes.Where(o => !o.Valid).Select(o => o.File));

    [Fact]
    public void ExpectedOutcomes_ListEveryExampleExactlyOnce()
    {
        Assert.Equal(ProfilePackage.ExampleFiles, ProfilePackage.ExpectedOutcomes.Select(o => o.File).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void EveryProfile_HasAValidAndAnInvalidExample()
    {
        var profiles = ProfilePackage.StructureDefinitions.Where(sd => sd.Kind == StructureDefinition.StructureDefinitionKind.Resource).Select(sd => sd.Url);

        Assert.All(profiles, url =>
        {
            Assert.Contains(ProfilePackage.ExpectedOutcomes, o => o.Profile == url && o.Valid);
            Assert.Contains(ProfilePackage.ExpectedOutcomes, o => o.Profile == url && !o.Valid);
        });
    }

    [Theory]
    [MemberData(nameof(ValidExamples))]
    public void ValidExample_ClaimsItsPackageProfileAndSatisfiesItsInvariants(string file)
    {
        var (resource, profile) = Example(file);

        Assert.Equal(Outcome(file).Profile, Assert.Single(resource.Meta?.Profile ?? []));
        Assert.Equal(profile.Type, resource.TypeName);
        Assert.Empty(Invariants.Violated(profile, resource));
    }

    [Theory]
    [MemberData(nameof(ValidExamples))]
    public void ValidExample_UsesOnlyCodesDefinedInThePackage(string file)
    {
        var (resource, _) = Example(file);
        var codings = resource.Select("descendants().ofType(Coding)").Cast<Coding>()
            .Where(c => c.System?.StartsWith(ProfilePackage.Canonical, StringComparison.Ordinal) == true)
            .ToList();
        // The connected-system kind is a code (valueCode) from the package's own code system.
        codings.AddRange(resource.Select($"extension('{ProfilePackage.Canonical}/StructureDefinition/connected-system-kind').value").Cast<Code>()
            .Select(c => new Coding($"{ProfilePackage.Canonical}/CodeSystem/connected-system-kind", c.Value)));

        Assert.NotEmpty(codings);
        Assert.All(codings, c => Assert.Contains(
            ProfilePackage.Definitions.OfType<CodeSystem>().Single(cs => cs.Url == c.System).Concept,
            d => d.Code == c.Code));
    }

    [Theory]
    [MemberData(nameof(InvalidExamples))]
    public void InvalidExample_ListsLocatedErrorsAndViolatesExactlyItsListedInvariants(string file)
    {
        var (resource, profile) = Example(file);
        var errors = Outcome(file).Errors;

        Assert.NotEmpty(errors);
        Assert.All(errors, e =>
        {
            Assert.Equal("error", e.Severity);
            Assert.StartsWith(resource.TypeName, e.Expression);
            Assert.False(string.IsNullOrWhiteSpace(e.Reason));
            Assert.Equal(e.Rule == "invariant", e.Key is not null);
        });
        Assert.Equal(
            errors.Where(e => e.Key is not null).Select(e => e.Key!).Order(),
            Invariants.Violated(profile, resource).Order());
    }

    private static ExpectedOutcome Outcome(string file) => ProfilePackage.ExpectedOutcomes.Single(o => o.File == file);

    private static (Resource Resource, StructureDefinition Profile) Example(string file) =>
        (ProfilePackage.LoadExample(file), ProfilePackage.Profile(Outcome(file).Profile));
}
