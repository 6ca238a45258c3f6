using FhirBridge.Core.Fhir;
using FhirBridge.Core.Terminology;
using FhirBridge.Core.Tests.Profiles;
using Hl7.Fhir.Model;

namespace FhirBridge.Core.Tests.Terminology;

public sealed class ConceptMapSetTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "fhirbridge-mapping-tests", Guid.NewGuid().ToString("N"));

    public ConceptMapSetTests() => Directory.CreateDirectory(_folder);

    [Theory]
    [InlineData("ehr-professional-role")]
    [InlineData("ehr-plan-type")]
    [InlineData("social-welfare-professional-role")]
    [InlineData("social-welfare-plan-type")]
    public void Every_map_of_the_repository_is_embedded_and_loads(string id)
    {
        var map = ConceptMapSet.Embedded.FindById(id);

        Assert.NotNull(map);
        Assert.Equal($"https://fhirbridge.fi/fhir/ConceptMap/{id}", map.Url);
        Assert.NotEmpty(Assert.Single(map.Group).Element);
    }

    [Fact]
    public void Embedded_maps_match_the_files_in_the_mappings_folder()
    {
        var files = Directory.GetFiles(Path.Combine(ProfilePackage.Folder, "..", "mappings"), "*.json").Select(Path.GetFileNameWithoutExtension).Order();

        Assert.Equal(files, ConceptMapSet.Embedded.Maps.Select(m => $"ConceptMap-{m.Id}").Order());
    }

    [Fact]
    public void Configured_folder_adds_its_maps_after_the_embedded_ones()
    {
        File.WriteAllText(Path.Combine(_folder, "extra.json"), FhirSerializer.ToJson(Map("extra", "https://example.org/ConceptMap/extra", "nurse")));

        var set = ConceptMapSet.Load(_folder);

        Assert.Equal("extra", set.Maps[^1].Id);
        Assert.Equal(ConceptMapSet.Embedded.Maps.Count + 1, set.Maps.Count);
        Assert.NotNull(set.FindByUrl("https://example.org/ConceptMap/extra|1"));
    }

    [Fact]
    public void Invalid_files_stop_the_load_with_a_message_naming_each()
    {
        var notJson = Path.Combine(_folder, "broken.json");
        var notAMap = Path.Combine(_folder, "patient.json");
        var badCode = Path.Combine(_folder, "bad-code.json");
        File.WriteAllText(notJson, "{ \"resourceType\": \"ConceptMap\", ");
        File.WriteAllText(notAMap, FhirSerializer.ToJson(new Patient { Id = "p" }));
        File.WriteAllText(badCode, FhirSerializer.ToJson(Map("bad", "https://example.org/ConceptMap/bad", "no-such-role")));

        var error = Assert.Throws<InvalidOperationException>(() => ConceptMapSet.Load(_folder));

        Assert.Contains(notJson, error.Message, StringComparison.Ordinal);
        Assert.Contains($"{notAMap}: a Patient, not a ConceptMap", error.Message, StringComparison.Ordinal);
        Assert.Contains($"{badCode}: https://ehr.example/x|A: https://fhirbridge.fi/fhir/CodeSystem/care-team-role has no code 'no-such-role'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_path_or_a_second_map_with_an_embedded_url_stops_the_load()
    {
        File.WriteAllText(Path.Combine(_folder, "copy.json"), FhirSerializer.ToJson(Map("copy", "https://fhirbridge.fi/fhir/ConceptMap/ehr-plan-type", "nurse")));
        var missing = Path.Combine(_folder, "none");

        var error = Assert.Throws<InvalidOperationException>(() => ConceptMapSet.Load(_folder, missing));

        Assert.Contains($"{missing}: no such file or folder", error.Message, StringComparison.Ordinal);
        Assert.Contains("two ConceptMaps have the url https://fhirbridge.fi/fhir/ConceptMap/ehr-plan-type", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    internal static ConceptMap Map(string id, string url, string targetCode) => new()
    {
        Id = id,
        Url = url,
        Version = "1",
        Status = PublicationStatus.Active,
        Group =
        [
            new ConceptMap.GroupComponent
            {
                Source = "https://ehr.example/x",
                Target = "https://fhirbridge.fi/fhir/CodeSystem/care-team-role",
                Element =
                [
                    new ConceptMap.SourceElementComponent
                    {
                        Code = "A",
                        Target = [new ConceptMap.TargetElementComponent { Code = targetCode, Equivalence = ConceptMapEquivalence.Equivalent }],
                    },
                ],
            },
        ],
    };
}
