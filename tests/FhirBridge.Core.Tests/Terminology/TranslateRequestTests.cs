using FhirBridge.Core.Errors;
using FhirBridge.Core.Terminology;
using Hl7.Fhir.Model;

namespace FhirBridge.Core.Tests.Terminology;

public sealed class TranslateRequestTests
{
    [Fact]
    public void Query_with_system_and_code_and_a_versioned_url()
    {
        var request = TranslateRequest.FromQuery(
            [new("url", "https://x.example/cm"), new("conceptMapVersion", "2"), new("system", "https://s"), new("code", "A"), new("targetsystem", "https://t"), new("_format", "json")],
            null);

        Assert.Equal("https://x.example/cm|2", request.MapUrl);
        Assert.Equal("https://t", request.TargetSystem);
        var coding = Assert.Single(request.Codings);
        Assert.Equal(("https://s", "A"), (coding.System, coding.Code));
    }

    [Fact]
    public void Parameters_with_a_codeable_concept_translate_each_coding()
    {
        var parameters = new Parameters();
        parameters.Add("codeableConcept", new CodeableConcept { Coding = [new Coding("https://s", "A"), new Coding("https://s", "B")] });
        parameters.Add("source", new FhirUri("https://vs"));

        var request = TranslateRequest.FromParameters(parameters, "map-id");

        Assert.Equal(["A", "B"], request.Codings.Select(c => c.Code));
        Assert.Equal(("map-id", "https://vs"), (request.MapId, request.Source));
    }

    public static TheoryData<string[]> BadQueries => new()
    {
        new[] { "url", "https://x" },
        new[] { "code", "A" },
        new[] { "system", "https://s", "code", "A", "coding", "https://s|B" },
        new[] { "coding", "no-bar" },
        new[] { "coding", "https://s|A", "system", "https://s" },
        new[] { "system", "https://s", "code", "A", "reverse", "true" },
        new[] { "system", "https://s", "code", "A", "code", "B" },
        new[] { "system", "https://s", "code", "A", "nonsense", "1" },
        new[] { "codeableConcept", "x" },
    };

    [Theory]
    [MemberData(nameof(BadQueries))]
    public void Missing_contradictory_or_unknown_input_is_400(string[] pairs)
    {
        var query = pairs.Chunk(2).Select(p => new KeyValuePair<string, string>(p[0], p[1])).ToList();

        Assert.Throws<BadRequestException>(() => TranslateRequest.FromQuery(query, null));
    }

    [Fact]
    public void Parameters_with_a_wrongly_typed_value_are_400()
    {
        var parameters = new Parameters();
        parameters.Add("coding", new FhirString("https://s|A"));

        Assert.Throws<BadRequestException>(() => TranslateRequest.FromParameters(parameters, null));
    }
}
