using FhirBridge.Core.Operations;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;

namespace FhirBridge.Core.Tests.Operations;

/// <summary>Resources with identifiers unique to one test, so tests sharing a database never see each other's data.</summary>
internal static class TestData
{
    public const string TestSystem = "urn:fhirbridge:test";
    public const string HetuSystem = "urn:oid:1.2.246.21";

    public static string NewKey() => Guid.NewGuid().ToString("N");

    /// <summary>A Patient with identifier <see cref="TestSystem"/>|<paramref name="key"/> and a synthetic henkilötunnus.</summary>
    public static Patient Patient(string key, string family = "Virtanen") => new()
    {
        Identifier =
        [
            new Identifier(TestSystem, key),
            new Identifier(HetuSystem, "010190-9012"),
        ],
        Name = [new HumanName { Family = family, Given = ["Aino"] }],
        Gender = AdministrativeGender.Female,
        BirthDate = "1990-01-01",
        MaritalStatus = new CodeableConcept("http://terminology.hl7.org/CodeSystem/v3-MaritalStatus", "M"),
    };

    public static Observation Observation(string key, string subject) => new()
    {
        Identifier = [new Identifier(TestSystem, key)],
        Status = ObservationStatus.Final,
        Code = new CodeableConcept("http://loinc.org", "8867-4"),
        Subject = new ResourceReference(subject),
        Value = new Quantity(72, "/min"),
    };

    public static string Criteria(string key) => $"identifier={TestSystem}|{key}";

    public static KeyValuePair<string, string> P(string name, string value) => new(name, value);

    public static IReadOnlyList<KeyValuePair<string, string>> ByKey(string key, params KeyValuePair<string, string>[] more) =>
        [P("identifier", $"{TestSystem}|{key}"), .. more];

    /// <summary>The value of <paramref name="name"/> in a Bundle link URL's query.</summary>
    public static string? QueryValue(string url, string name)
    {
        var query = new Uri(url).Query.TrimStart('?');
        return query.Split('&')
            .Select(p => p.Split('=', 2))
            .Where(p => Uri.UnescapeDataString(p[0]) == name)
            .Select(p => Uri.UnescapeDataString(p[1]))
            .FirstOrDefault();
    }

    public static string? Link(Bundle bundle, string relation) => bundle.Link.FirstOrDefault(l => l.Relation == relation)?.Url;

    public static async Task<IReadOnlyList<Resource>> MatchesAsync(IResourceService service, string type, string key)
    {
        var result = await service.SearchAsync(type, ByKey(key), ServiceFixture.Context, default);
        return result.Bundle.Entry.Where(e => e.Search?.Mode == Bundle.SearchEntryMode.Match).Select(e => e.Resource!).ToList();
    }
}
