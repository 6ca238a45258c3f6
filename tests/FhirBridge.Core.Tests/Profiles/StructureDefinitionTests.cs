using System.Text.RegularExpressions;
using Hl7.Fhir.Model;

namespace FhirBridge.Core.Tests.Profiles;

public sealed partial class StructureDefinitionTests
{
    public static TheoryData<string> Ids => ProfilePackage.Theory(ProfilePackage.StructureDefinitions.Select(sd => sd.Id!));

    [Theory]
    [MemberData(nameof(Ids))]
    public void StructureDefinition_IsAnR4ConstraintWithOnlyADifferential(string id)
    {
        var sd = Get(id);

        Assert.StartsWith(ProfilePackage.Canonical + "/StructureDefinition/", sd.Url);
        Assert.Equal(StructureDefinition.TypeDerivationRule.Constraint, sd.Derivation);
        Assert.Equal(FHIRVersion.N4_0_1, sd.FhirVersion);
        Assert.NotEmpty(sd.DifferentialElements());
        Assert.Null(sd.Snapshot);
        Assert.NotNull(sd.BaseDefinition);
        Assert.False(string.IsNullOrWhiteSpace(sd.Description));
        Assert.True(
            sd.BaseDefinition == ProfilePackage.CoreCanonical + sd.Type || ProfilePackage.Defines(sd.BaseDefinition),
            $"baseDefinition {sd.BaseDefinition} is neither R4 core {sd.Type} nor a package profile");
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void DifferentialElements_AreR4ElementsOfTheConstrainedType(string id)
    {
        var sd = Get(id);

        Assert.Equal(sd.Type, sd.DifferentialElements()[0].Path);
        Assert.All(sd.DifferentialElements(), e =>
        {
            Assert.NotNull(e.ElementId);
            Assert.NotNull(e.Path);
            Assert.True(e.ElementId == sd.Type || e.ElementId.StartsWith(sd.Type + ".", StringComparison.Ordinal), $"id {e.ElementId}");
            Assert.Equal(SliceNames().Replace(e.ElementId, ""), e.Path);
            Assert.True(R4Model.Resolves(e.Path, path => ChoiceType(sd, path)), $"{e.Path} is not an R4 element of {sd.Type}");
        });
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void EverySlice_FollowsASlicingDefinitionOnItsElement(string id)
    {
        var elements = Get(id).DifferentialElements();

        Assert.All(elements.Where(e => e.SliceName is not null), slice =>
        {
            var sliced = slice.ElementId![..slice.ElementId!.LastIndexOf(':')];
            Assert.Contains(elements, e => e.ElementId == sliced && e.Slicing is not null);
        });
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void BindingsExtensionsAndOwnTargetProfiles_ExistInThePackage(string id)
    {
        var elements = Get(id).DifferentialElements();
        var bindings = elements.Select(e => e.Binding?.ValueSet).OfType<string>();
        var extensions = elements.SelectMany(e => e.Type).Where(t => t.Code == "Extension").SelectMany(t => t.Profile).OfType<string>().ToList();
        var ownTargets = elements.SelectMany(e => e.Type).SelectMany(t => t.TargetProfile).OfType<string>()
            .Where(t => t.StartsWith(ProfilePackage.Canonical, StringComparison.Ordinal));

        Assert.All(bindings, vs => Assert.True(ProfilePackage.Definitions.OfType<ValueSet>().Any(v => v.Url == vs), $"ValueSet {vs}"));
        Assert.All(extensions, url => Assert.Equal("Extension", ProfilePackage.Profile(url).Type));
        Assert.All(ownTargets, url => Assert.Equal(StructureDefinition.StructureDefinitionKind.Resource, ProfilePackage.Profile(url).Kind));
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Constraints_CompileAndCarryKeyHumanTextAndSource(string id)
    {
        var sd = Get(id);

        Assert.All(sd.DifferentialElements().SelectMany(e => e.Constraint), c =>
        {
            Assert.NotNull(c.Key);
            Assert.NotNull(c.Expression);
            Assert.Matches("^fbr-[a-z]+-[0-9]+$", c.Key);
            Assert.Equal(ConstraintSeverity.Error, c.Severity);
            Assert.False(string.IsNullOrWhiteSpace(c.Human));
            Assert.Equal(sd.Url, c.Source);
            Assert.NotNull(Invariants.Compile(c.Expression));
        });
    }

    [Fact]
    public void ConstraintKeys_AreUniqueInThePackage()
    {
        var keys = ProfilePackage.StructureDefinitions.SelectMany(sd => sd.DifferentialElements()).SelectMany(e => e.Constraint).Select(c => c.Key).ToList();

        Assert.NotEmpty(keys);
        Assert.Equal(keys.Distinct(), keys);
    }

    [Fact]
    public void Extensions_FixTheirUrlAndNameAValidContext()
    {
        var extensions = ProfilePackage.StructureDefinitions.Where(sd => sd.Type == "Extension").ToList();

        Assert.NotEmpty(extensions);
        Assert.All(extensions, sd =>
        {
            Assert.Equal(StructureDefinition.StructureDefinitionKind.ComplexType, sd.Kind);
            Assert.Equal(ProfilePackage.CoreCanonical + "Extension", sd.BaseDefinition);
            Assert.Equal(sd.Url, Assert.IsType<FhirUri>(sd.DifferentialElements().Single(e => e.Path == "Extension.url").Fixed).Value);
            Assert.NotEmpty(sd.Context);
            Assert.All(sd.Context, c => Assert.True(c.Expression is not null && R4Model.Resolves(c.Expression, _ => null), $"context {c.Expression}"));
        });
    }

    private static StructureDefinition Get(string id) => ProfilePackage.StructureDefinitions.Single(sd => sd.Id == id);

    // A choice element constrained to a single type is followed into that type (e.g. Extension.value[x] as Coding).
    private static string? ChoiceType(StructureDefinition sd, string path) =>
        sd.DifferentialElements().Where(e => e.Path == path).SelectMany(e => e.Type).Select(t => t.Code).Distinct().SingleOrDefault();

    [GeneratedRegex(":[^.]+")]
    private static partial Regex SliceNames();
}
