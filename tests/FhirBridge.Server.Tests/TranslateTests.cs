using System.Net;
using FhirBridge.Core.Fhir;
using FhirBridge.Server.Tests.Infrastructure;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;

namespace FhirBridge.Server.Tests;

/// <summary>The ConceptMaps over HTTP: read-only resources and $translate (https://hl7.org/fhir/R4/conceptmap-operation-translate.html).</summary>
public sealed class TranslateTests(SqliteFhirServer server) : IClassFixture<SqliteFhirServer>
{
    private const string EhrRoles = "https://fhirbridge.fi/fhir/ConceptMap/ehr-professional-role";
    private const string EhrRoleCodes = "https://ehr.example/fhir/CodeSystem/professional-group";
    private const string Roles = "https://fhirbridge.fi/fhir/CodeSystem/care-team-role";
    private const string SocialWelfarePlanCodes = "urn:oid:1.2.246.10.12345678.10.2";

    private readonly HttpClient _http = server.Factory.CreateClient();

    [Fact]
    public async Task ConceptMaps_are_readable_and_searchable_but_not_writable()
    {
        var read = await _http.GetAsync("/fhir/ConceptMap/ehr-professional-role");
        var search = await FhirTest.ReadAsync<Bundle>(await _http.GetAsync("/fhir/ConceptMap?url=" + EhrRoles));
        var all = await FhirTest.ReadAsync<Bundle>(await _http.GetAsync("/fhir/ConceptMap"));
        var write = await _http.PutAsync("/fhir/ConceptMap/ehr-professional-role", FhirTest.Json(new ConceptMap { Id = "ehr-professional-role" }));

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(EhrRoles, (await FhirTest.ReadAsync<ConceptMap>(read)).Url);
        Assert.Equal("ehr-professional-role", Assert.Single(search.Entry).Resource!.Id);
        Assert.Equal(4, all.Total);
        await FhirTest.AssertOutcomeAsync(write, HttpStatusCode.MethodNotAllowed);
        await FhirTest.AssertOutcomeAsync(await _http.GetAsync("/fhir/ConceptMap/none"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Get_translate_returns_the_match_with_equivalence_concept_and_source()
    {
        var response = await _http.GetAsync($"/fhir/ConceptMap/$translate?url={EhrRoles}&system={EhrRoleCodes}&code=ERLAAK");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var output = await FhirTest.ReadAsync<Parameters>(response);
        Assert.Equal(true, Value<FhirBoolean>(output.Parameter, "result").Value);
        var match = Named(output.Parameter, "match").Part;
        Assert.Equal("wider", Value<Code>(match, "equivalence").Value);
        var concept = Value<Coding>(match, "concept");
        Assert.Equal((Roles, "physician"), (concept.System, concept.Code));
        Assert.Equal(EhrRoles, Value<FhirUri>(match, "source").Value);
    }

    [Fact]
    public async Task Instance_translate_of_an_unmatched_code_is_result_false_with_a_message()
    {
        var response = await _http.GetAsync($"/fhir/ConceptMap/social-welfare-plan-type/$translate?coding={SocialWelfarePlanCodes}|AKTSUUNN");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var output = await FhirTest.ReadAsync<Parameters>(response);
        Assert.Equal(false, Value<FhirBoolean>(output.Parameter, "result").Value);
        Assert.Contains("AKTSUUNN is unmatched", Value<FhirString>(output.Parameter, "message").Value, StringComparison.Ordinal);
        Assert.Equal("unmatched", Value<Code>(Named(output.Parameter, "match").Part, "equivalence").Value);
    }

    [Fact]
    public async Task Post_translate_takes_a_codeable_concept_in_parameters()
    {
        var input = new Parameters();
        input.Add("codeableConcept", new CodeableConcept { Coding = [new Coding(EhrRoleCodes, "SH"), new Coding(EhrRoleCodes, "TH")] });
        input.Add("targetsystem", new FhirUri(Roles));

        var response = await _http.PostAsync("/fhir/ConceptMap/ehr-professional-role/$translate", FhirTest.Json(input));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var output = await FhirTest.ReadAsync<Parameters>(response);
        Assert.Equal(true, Value<FhirBoolean>(output.Parameter, "result").Value);
        Assert.Equal(["nurse", "public-health-nurse"],
            output.Parameter.Where(p => p.Name == "match").Select(m => Value<Coding>(m.Part, "concept").Code));
    }

    [Theory]
    [InlineData("/fhir/ConceptMap/$translate", HttpStatusCode.BadRequest)]
    [InlineData("/fhir/ConceptMap/$translate?code=LAAK", HttpStatusCode.BadRequest)]
    [InlineData("/fhir/ConceptMap/$translate?system=" + EhrRoleCodes + "&code=LAAK&coding=" + EhrRoleCodes + "|SH", HttpStatusCode.BadRequest)]
    [InlineData("/fhir/ConceptMap/ehr-plan-type/$translate?url=" + EhrRoles + "&system=" + EhrRoleCodes + "&code=LAAK", HttpStatusCode.BadRequest)]
    [InlineData("/fhir/ConceptMap/$translate?url=https://example.org/ConceptMap/none&system=" + EhrRoleCodes + "&code=LAAK", HttpStatusCode.NotFound)]
    [InlineData("/fhir/ConceptMap/none/$translate?system=" + EhrRoleCodes + "&code=LAAK", HttpStatusCode.NotFound)]
    public async Task Translate_rejects_missing_contradictory_or_unknown_input(string url, HttpStatusCode status)
    {
        await FhirTest.AssertOutcomeAsync(await _http.GetAsync(url), status);
    }

    [Fact]
    public async Task Post_translate_with_a_body_that_is_not_parameters_is_400()
    {
        var response = await _http.PostAsync("/fhir/ConceptMap/$translate", FhirTest.Json(FhirTest.Patient("Parametriton")));

        await FhirTest.AssertOutcomeAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Translate_needs_an_authenticated_caller()
    {
        var anonymous = server.Factory.CreateAnonymousClient();

        var response = await anonymous.GetAsync($"/fhir/ConceptMap/$translate?url={EhrRoles}&system={EhrRoleCodes}&code=LAAK");

        await FhirTest.AssertOutcomeAsync(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Capability_statement_lists_concept_maps_with_translate()
    {
        var capability = await FhirTest.ReadAsync<CapabilityStatement>(await _http.GetAsync("/fhir/metadata"));

        var conceptMap = capability.Rest[0].Resource.Single(r => r.Type == "ConceptMap");
        var operation = Assert.Single(conceptMap.Operation);
        Assert.Equal(("translate", "http://hl7.org/fhir/OperationDefinition/ConceptMap-translate"), (operation.Name, operation.Definition));
    }

    [Fact]
    public async Task An_invalid_configured_mapping_file_stops_the_start_naming_the_file()
    {
        var folder = Path.Combine(Path.GetTempPath(), "fhirbridge-translate-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, "broken-map.json");
        File.WriteAllText(file, FhirSerializer.ToJson(new ConceptMap { Id = "broken", Status = PublicationStatus.Draft }));
        var broken = SqliteFhirServer.With(new Dictionary<string, string?> { ["Bridge:Mappings:0"] = folder });
        try
        {
            var error = Assert.Throws<InvalidOperationException>(() => broken.Factory.CreateClient());
            Assert.Equal($"Invalid mapping files: {file}: a ConceptMap needs an id and a url", error.Message);
        }
        finally
        {
            await broken.DisposeAsync();
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_configured_mapping_folder_adds_its_maps()
    {
        var folder = Path.Combine(Path.GetTempPath(), "fhirbridge-translate-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var map = new ConceptMap
        {
            Id = "extra-roles",
            Url = "https://example.org/ConceptMap/extra-roles",
            Status = PublicationStatus.Active,
            Group = [new ConceptMap.GroupComponent
            {
                Source = "https://example.org/roles",
                Target = Roles,
                Element = [new ConceptMap.SourceElementComponent
                {
                    Code = "POL",
                    Target = [new ConceptMap.TargetElementComponent { Code = "police", Equivalence = ConceptMapEquivalence.Equal }],
                }],
            }],
        };
        File.WriteAllText(Path.Combine(folder, "extra.json"), FhirSerializer.ToJson(map));
        var extended = SqliteFhirServer.With(new Dictionary<string, string?> { ["Bridge:Mappings:0"] = folder });
        try
        {
            var response = await extended.Factory.CreateClient().GetAsync("/fhir/ConceptMap/extra-roles/$translate?system=https://example.org/roles&code=POL");

            var output = await FhirTest.ReadAsync<Parameters>(response);
            Assert.Equal(true, Value<FhirBoolean>(output.Parameter, "result").Value);
        }
        finally
        {
            await extended.DisposeAsync();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static Parameters.ParameterComponent Named(IEnumerable<Parameters.ParameterComponent> parameters, string name) =>
        Assert.Single(parameters, p => p.Name == name);

    private static T Value<T>(IEnumerable<Parameters.ParameterComponent> parameters, string name) where T : DataType =>
        Assert.IsType<T>(Named(parameters, name).Value);
}
