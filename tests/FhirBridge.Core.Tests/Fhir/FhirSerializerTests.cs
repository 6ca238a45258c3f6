using FhirBridge.Core.Errors;
using FhirBridge.Core.Fhir;
using Hl7.Fhir.Model;

namespace FhirBridge.Core.Tests.Fhir;

public sealed class FhirSerializerTests
{
    private const string ScriptDiv = "<div xmlns=\\\"http://www.w3.org/1999/xhtml\\\"><p>Hei</p><script>alert(1)</script></div>";

    [Fact]
    public void ParseJson_NarrativeWithScript_IsRejected()
    {
        var json = "{\"resourceType\":\"Patient\",\"text\":{\"status\":\"generated\",\"div\":\"" + ScriptDiv + "\"}}";

        var error = Assert.Throws<BadRequestException>(() => FhirSerializer.ParseJson(json));

        Assert.Contains(error.Issues, i => i.Diagnostics is { } d && d.Contains("script", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void ParseXml_NarrativeWithScript_IsRejected()
    {
        const string xml = """
            <Patient xmlns="http://hl7.org/fhir"><text><status value="generated"/>
            <div xmlns="http://www.w3.org/1999/xhtml"><p>Hei</p><script>alert(1)</script></div></text></Patient>
            """;

        var error = Assert.Throws<BadRequestException>(() => FhirSerializer.ParseXml(xml));

        Assert.Contains(error.Issues, i => i.Diagnostics is { } d && d.Contains("script", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void ParseJson_SafeNarrative_IsKept()
    {
        const string json = """{"resourceType":"Patient","text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>Hei</p></div>"}}""";

        var patient = Assert.IsType<Patient>(FhirSerializer.ParseJson(json));

        Assert.Contains("<p>Hei</p>", patient.Text?.Div, StringComparison.Ordinal);
    }
}
