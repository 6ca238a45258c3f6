using System.Net;
using FhirBridge.Core.Fhir;
using FhirBridge.Server.Tests.Infrastructure;
using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;
using Task = System.Threading.Tasks.Task;

namespace FhirBridge.Server.Tests;

public abstract partial class FhirApiTests
{
    [Fact]
    public async Task Capability_statement_describes_what_is_served()
    {
        var statement = await Client.CapabilityStatementAsync();

        Assert.Equal(FHIRVersion.N4_0_1, statement!.FhirVersion);
        Assert.Equal(CapabilityStatementKind.Instance, statement.Kind);
        Assert.Equal(PublicationStatus.Active, statement.Status);
        Assert.Equal("FhirBridge", statement.Software!.Name);
        Assert.Contains("application/fhir+xml", statement.Format);
        var rest = Assert.Single(statement.Rest);
        Assert.Equal(
            [CapabilityStatement.SystemRestfulInteraction.Transaction, CapabilityStatement.SystemRestfulInteraction.Batch, CapabilityStatement.SystemRestfulInteraction.HistorySystem],
            rest.Interaction.Select(i => i.Code!.Value));
        Assert.Equal([.. ServedTypes.All, "StructureDefinition", "ValueSet", "CodeSystem", "ConceptMap"], rest.Resource.Select(r => r.Type));

        var patient = rest.Resource.Single(r => r.Type == "Patient");
        Assert.Equal(
            new[] { "create", "search-type", "update", "history-type", "read", "delete", "history-instance", "vread" }.Order(),
            patient.Interaction.Select(i => Hl7.Fhir.Utility.EnumUtility.GetLiteral(i.Code)).Order());
        Assert.True(patient.ConditionalCreate);
        Assert.True(patient.ConditionalUpdate);
        Assert.Equal(CapabilityStatement.ResourceVersionPolicy.VersionedUpdate, patient.Versioning);
        var identifier = Assert.Single(patient.SearchParam, p => p.Name == "identifier");
        Assert.Equal(SearchParamType.Token, identifier.Type);
        Assert.Equal("http://hl7.org/fhir/SearchParameter/Patient-identifier", identifier.Definition);
        Assert.Contains("CarePlan:subject", rest.Resource.Single(r => r.Type == "CarePlan").SearchInclude);
        var sync = Assert.Single(rest.Resource.Single(r => r.Type == "CarePlan").Operation, o => o.Name == "sync-statutory-plans");
        Assert.Equal("https://fhirbridge.fi/fhir/OperationDefinition/CarePlan-sync-statutory-plans", sync.Definition);
        Assert.DoesNotContain(patient.Operation, o => o.Name == "sync-statutory-plans");
    }

    [Fact]
    public async Task Swagger_describes_the_fhir_endpoints()
    {
        var document = await Http.GetStringAsync("/swagger/v1/swagger.json");
        var ui = await Http.GetAsync("/swagger/index.html");

        Assert.Contains("/fhir/{type}/{id}/_history/{vid}", document, StringComparison.Ordinal);
        Assert.Contains("application/fhir+json", document, StringComparison.Ordinal);
        Assert.Contains("A FHIR R4 resource", document, StringComparison.Ordinal);
        using var json = System.Text.Json.JsonDocument.Parse(document);
        var bearer = json.RootElement.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer");
        Assert.Equal(("http", "bearer"), (bearer.GetProperty("type").GetString(), bearer.GetProperty("scheme").GetString()));
        Assert.True(json.RootElement.GetProperty("security")[0].TryGetProperty("Bearer", out _));
        Assert.Equal(HttpStatusCode.OK, ui.StatusCode);
    }
}
