using Hl7.Fhir.Model;

namespace FhirBridge.Core.Tests.Profiles;

public sealed class TerminologyTests
{
    private static IEnumerable<CodeSystem> CodeSystems => ProfilePackage.Definitions.OfType<CodeSystem>();

    private static IEnumerable<ValueSet> ValueSets => ProfilePackage.Definitions.OfType<ValueSet>();

    [Fact]
    public void CodeSystems_AreCompleteWithUniqueDefinedCodesAndFinnishDesignations()
    {
        Assert.NotEmpty(CodeSystems);
        Assert.All(CodeSystems, cs =>
        {
            Assert.Equal(CodeSystemContentMode.Complete, cs.Content);
            Assert.Equal(cs.Concept.Count, cs.Count);
            Assert.Equal(cs.Concept.Select(c => c.Code).Distinct(), cs.Concept.Select(c => c.Code));
            Assert.All(cs.Concept, c =>
            {
                Assert.False(string.IsNullOrWhiteSpace(c.Display));
                Assert.False(string.IsNullOrWhiteSpace(c.Definition));
                Assert.Contains(c.Designation, d => d.Language == "fi" && !string.IsNullOrWhiteSpace(d.Value));
            });
        });
    }

    [Fact]
    public void ValueSets_IncludeOnlyPackageCodeSystemsOrListedCodes()
    {
        Assert.NotEmpty(ValueSets);
        Assert.All(ValueSets.SelectMany(vs => vs.Compose?.Include ?? []), include =>
        {
            var own = CodeSystems.SingleOrDefault(cs => cs.Url == include.System);
            if (include.System?.StartsWith(ProfilePackage.Canonical, StringComparison.Ordinal) == true)
            {
                Assert.NotNull(own);
                Assert.All(include.Concept, c => Assert.Contains(own.Concept, d => d.Code == c.Code));
            }
            else
            {
                Assert.NotEmpty(include.Concept);
            }
        });
    }

    [Fact]
    public void CareTeamRoles_CoverBothSectorsCloseOnesAndVolunteers()
    {
        var roles = CodeSystems.Single(cs => cs.Id == "care-team-role").Concept.Select(c => c.Code);
        string[] required =
        [
            "nurse", "social-worker", "psychologist", "physician", "physiotherapist", "occupational-therapist", "teacher",
            "school-social-worker", "school-psychologist", "youth-worker", "police", "kela-expert", "close-one", "peer-expert",
            "ngo-actor", "volunteer", "other-professional",
        ];

        Assert.Empty(required.Except(roles));
    }
}
