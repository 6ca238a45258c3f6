using FhirBridge.Core.Fhir;
using FhirBridge.Core.Search;
using Hl7.Fhir.Model;

namespace FhirBridge.Core.Tests.Search;

public sealed class SearchParameterRegistryTests
{
    private readonly SearchParameterRegistry _registry = new();

    [Fact]
    public void Find_EpisodeOfCareTeam_IsThePackageReferenceParameterToCareTeam()
    {
        var parameter = _registry.Find("EpisodeOfCare", "team");

        Assert.NotNull(parameter);
        Assert.Equal(SearchParamType.Reference, parameter.Type);
        Assert.Equal(["CareTeam"], parameter.Targets);
        Assert.Equal("https://fhirbridge.fi/fhir/SearchParameter/EpisodeOfCare-team", parameter.Url);
        Assert.Contains(_registry.For("EpisodeOfCare"), p => p.Name == "team");
    }

    [Theory]
    [InlineData("subject", SearchParamType.Reference)]
    [InlineData("patient", SearchParamType.Reference)]
    [InlineData("category", SearchParamType.Token)]
    [InlineData("status", SearchParamType.Token)]
    [InlineData("date", SearchParamType.Date)]
    [InlineData("care-team", SearchParamType.Reference)]
    [InlineData("activity-date", SearchParamType.Date)]
    [InlineData("instantiates-uri", SearchParamType.Uri)]
    [InlineData("identifier", SearchParamType.Token)]
    public void Find_CarePlanParameter_HasR4Type(string name, SearchParamType type)
    {
        var parameter = _registry.Find("CarePlan", name);

        Assert.NotNull(parameter);
        Assert.Equal(type, parameter.Type);
        Assert.Equal("CarePlan", parameter.ResourceType);
    }

    [Fact]
    public void Find_MultiTypeExpression_KeepsOnlyTheTypesOwnBranches()
    {
        var patient = _registry.Find("CarePlan", "patient")!;

        Assert.Equal("CarePlan.subject.where(resolve() is Patient)", patient.Expression);
        Assert.Equal(["Group", "Patient"], patient.Targets.Order());
        Assert.Equal("http://hl7.org/fhir/SearchParameter/clinical-patient", patient.Url);
    }

    [Theory]
    [InlineData("_id", SearchParamType.Token)]
    [InlineData("_lastUpdated", SearchParamType.Date)]
    [InlineData("_profile", SearchParamType.Uri)]
    [InlineData("_tag", SearchParamType.Token)]
    [InlineData("_security", SearchParamType.Token)]
    [InlineData("_source", SearchParamType.Uri)]
    public void Find_CommonParameter_ExistsOnEveryServedType(string name, SearchParamType type)
    {
        foreach (var resourceType in ServedTypes.All)
        {
            var parameter = _registry.Find(resourceType, name);
            Assert.NotNull(parameter);
            Assert.Equal(type, parameter.Type);
            Assert.Equal("Resource", parameter.ResourceType);
        }
    }

    [Fact]
    public void For_Observation_LeavesOutCompositeParameters()
    {
        var names = _registry.For("Observation").Select(p => p.Name).ToList();

        Assert.Contains("code", names);
        Assert.Contains("value-quantity", names);
        Assert.DoesNotContain("code-value-quantity", names);
        Assert.DoesNotContain("combo-code-value-concept", names);
        Assert.All(_registry.For("Observation"), p => Assert.NotEqual(SearchParamType.Composite, p.Type));
    }

    [Fact]
    public void For_EveryServedType_HasNamesOnceAndExpressions()
    {
        foreach (var type in ServedTypes.All)
        {
            var parameters = _registry.For(type);
            Assert.True(parameters.Count > 6, type);
            Assert.Equal(parameters.Count, parameters.Select(p => p.Name).Distinct().Count());
            Assert.All(parameters, p => Assert.False(string.IsNullOrWhiteSpace(p.Expression)));
            Assert.All(parameters, p => Assert.DoesNotContain(p.Type, new[] { SearchParamType.Composite, SearchParamType.Special }));
        }
    }

    [Fact]
    public void Find_UnknownTypeOrName_ReturnsNull()
    {
        Assert.Null(_registry.Find("CarePlan", "no-such-param"));
        Assert.Null(_registry.Find("Medication", "code"));
        Assert.Empty(_registry.For("Medication"));
    }

    [Fact]
    public void Find_PatientParameters_IncludeFinnishUseCases()
    {
        Assert.Equal(SearchParamType.Token, _registry.Find("Patient", "identifier")!.Type);
        Assert.Equal(SearchParamType.String, _registry.Find("Patient", "name")!.Type);
        Assert.Equal(SearchParamType.Date, _registry.Find("Patient", "birthdate")!.Type);
        Assert.Equal(["Organization", "Practitioner", "PractitionerRole"], _registry.Find("Patient", "general-practitioner")!.Targets.Order());
    }
}
