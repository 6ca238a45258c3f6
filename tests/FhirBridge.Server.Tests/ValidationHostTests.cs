using System.Net;
using FhirBridge.Core.Fhir;
using FhirBridge.Server.Tests.Infrastructure;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;

namespace FhirBridge.Server.Tests;

/// <summary>Validation configuration of the host: extra packages and must-conform rules.</summary>
public sealed class ValidationHostTests : IDisposable
{
    private const string ProfileUrl = "https://test.fhirbridge.fi/fhir/StructureDefinition/DatedPatient";

    private readonly string _package = Path.Combine(Path.GetTempPath(), "fhirbridge-validation-tests", Guid.NewGuid().ToString("N"));

    public ValidationHostTests()
    {
        Directory.CreateDirectory(_package);
        File.WriteAllText(Path.Combine(_package, "StructureDefinition-DatedPatient.json"), FhirSerializer.ToJson(DatedPatientProfile()));
    }

    [Fact]
    public async Task Configured_package_and_must_conform_rule_apply_to_writes_and_validate()
    {
        var server = SqliteFhirServer.With(new Dictionary<string, string?>
        {
            ["Validation:Packages:0"] = _package,
            ["Validation:MustConform:0:ResourceType"] = "Patient",
            ["Validation:MustConform:0:When"] = "gender = 'female'",
            ["Validation:MustConform:0:Profile"] = ProfileUrl,
        });
        try
        {
            var client = server.Factory.CreateClient();
            var undated = FhirTest.Patient("Päiväämätön");
            undated.BirthDate = null;
            var male = FhirTest.Patient("Mies");
            male.BirthDate = null;
            male.Gender = AdministrativeGender.Male;

            var rejected = await client.PostAsync("/fhir/Patient", FhirTest.Json(undated));
            var unaffected = await client.PostAsync("/fhir/Patient", FhirTest.Json(male));
            var accepted = await client.PostAsync("/fhir/Patient", FhirTest.Json(FhirTest.Patient("Päivätty")));
            var validated = await client.PostAsync($"/fhir/Patient/$validate?profile={ProfileUrl}", FhirTest.Json(male));

            await FhirTest.AssertOutcomeAsync(rejected, HttpStatusCode.UnprocessableEntity);
            Assert.Equal(HttpStatusCode.Created, unaffected.StatusCode);
            Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);
            await FhirTest.AssertOutcomeAsync(validated, HttpStatusCode.OK);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_must_conform_rule_for_a_profile_that_is_not_loaded_stops_the_start()
    {
        var server = SqliteFhirServer.With(new Dictionary<string, string?>
        {
            ["Validation:MustConform:0:ResourceType"] = "Patient",
            ["Validation:MustConform:0:Profile"] = ProfileUrl,
        });
        try
        {
            var error = Assert.Throws<InvalidOperationException>(() => server.Factory.CreateClient());
            Assert.Contains(ProfileUrl, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    public void Dispose() => Directory.Delete(_package, recursive: true);

    private static StructureDefinition DatedPatientProfile() => new()
    {
        Url = ProfileUrl,
        Name = "DatedPatient",
        Status = PublicationStatus.Active,
        Kind = StructureDefinition.StructureDefinitionKind.Resource,
        Abstract = false,
        Type = "Patient",
        BaseDefinition = "http://hl7.org/fhir/StructureDefinition/Patient",
        Derivation = StructureDefinition.TypeDerivationRule.Constraint,
        Differential = new StructureDefinition.DifferentialComponent
        {
            Element =
            [
                new ElementDefinition { ElementId = "Patient", Path = "Patient" },
                new ElementDefinition { ElementId = "Patient.birthDate", Path = "Patient.birthDate", Min = 1 },
            ],
        },
    };
}
