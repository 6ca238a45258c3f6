using FhirBridge.Core.Errors;
using FhirBridge.Core.Fhir;
using FhirBridge.Core.Validation;
using Hl7.Fhir.Model;
using static Hl7.Fhir.Model.OperationOutcome;

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

    private const string Xhtml = "http://www.w3.org/1999/xhtml";
    private const string NarrativeRule = "The narrative is not valid FHIR XHTML (https://hl7.org/fhir/R4/narrative.html#xhtml): ";

    private static string Div(string inner, string attributes = "") => $"<div xmlns=\"{Xhtml}\"{attributes}>{inner}</div>";

    private static string PatientJson(string div) =>
        System.Text.Json.JsonSerializer.Serialize(new { resourceType = "Patient", text = new { status = "generated", div } });

    public static TheoryData<string> AllowedNarratives() => new()
    {
        Div("<p>Hei <b>Maija</b> <i>Meikäläinen</i><br/>010190-9012</p>"),
        Div("<h1>Otsikko</h1><ul><li>yksi</li></ul><ol><li>kaksi</li></ol><dl><dt>a</dt><dd>b</dd></dl><pre>x</pre><blockquote cite=\"https://fhirbridge.fi\">q</blockquote>"),
        Div("<table border=\"1\"><caption>c</caption><thead><tr><th scope=\"col\">h</th></tr></thead><tbody><tr><td colspan=\"2\" style=\"color:red\">d</td></tr></tbody></table>"),
        Div("<a href=\"https://fhirbridge.fi/fhir/Patient/p1\" title=\"potilas\">linkki</a><img src=\"#kuva\" alt=\"kuva\"/><span class=\"x\" id=\"s1\" lang=\"fi\">t</span>"),
        Div("<p xml:lang=\"sv\">Hej</p><!-- comment --><p><![CDATA[1 < 2]]></p>", " xmlns:xlink=\"http://www.w3.org/1999/xlink\""),
    };

    [Theory]
    [MemberData(nameof(AllowedNarratives))]
    public void ParseJson_AllowedNarrative_IsKept(string div)
    {
        var patient = Assert.IsType<Patient>(FhirSerializer.ParseJson(PatientJson(div)));

        Assert.Equal(div, patient.Text?.Div);
    }

    public static TheoryData<string, string> ForbiddenNarratives() => new()
    {
        { Div("<p>x</p><script>alert(1)</script>"), "element <script> is not allowed" },
        { Div("<form><input name=\"q\"/></form>"), "element <form> is not allowed" },
        { Div("<base href=\"https://evil.example\"/>"), "element <base> is not allowed" },
        { Div("<link rel=\"stylesheet\" href=\"x.css\"/>"), "element <link> is not allowed" },
        { Div("<iframe src=\"https://evil.example\"></iframe>"), "element <iframe> is not allowed" },
        { Div("<p onclick=\"alert(1)\">x</p>"), "event attribute onclick on <p> is not allowed" },
        { Div("x", " onMouseOver=\"alert(1)\""), "event attribute onMouseOver on <div> is not allowed" },
        { Div("<a href=\" JavaScript:alert(1)\">x</a>"), "attribute href on <a> is a javascript: URL" },
        { Div("<img src=\"java\tscript:alert(1)\" alt=\"x\"/>"), "attribute src on <img> is a javascript: URL" },
        { Div("<a xlink:href=\"javascript:alert(1)\">x</a>", " xmlns:xlink=\"http://www.w3.org/1999/xlink\""), "attribute xlink:href on <a> is not allowed" },
        { Div("<p target=\"_blank\">x</p>"), "attribute target on <p> is not allowed" },
        { Div("<?php echo 1; ?><p>x</p>"), "processing instruction <?php?> is not allowed" },
        { "<!DOCTYPE div [<!ENTITY e \"x\">]>" + Div("&e;"), "a DTD is not allowed" },
        { "<p xmlns=\"http://www.w3.org/1999/xhtml\">x</p>", "the root element must be <div>, found <p>" },
        { "<div>x</div>", $"the root element must be <div> in the XHTML namespace {Xhtml}, found <div> without a namespace" },
        { Div("<svg xmlns=\"http://www.w3.org/2000/svg\"/>"), "element <svg> is not in the XHTML namespace" },
        { Div("<p>x</div>"), "it is not well-formed XML: The 'p' start tag on line 1 position 44 does not match the end tag of 'div'. Line 1, position 49" },
    };

    [Theory]
    [MemberData(nameof(ForbiddenNarratives))]
    public void ParseJson_ForbiddenNarrative_IsA400NamingIt(string div, string problem)
    {
        var error = Assert.Throws<BadRequestException>(() => FhirSerializer.ParseJson(PatientJson(div)));

        var issue = Assert.Single(error.Issues);
        Assert.Equal($"{NarrativeRule}{problem}.", issue.Diagnostics);
        Assert.Equal(["Patient.text.div"], issue.Expression);
    }

    [Fact]
    public void ParseXml_NarrativeWithEventAttribute_IsA400NamingIt()
    {
        const string xml = """
            <Patient xmlns="http://hl7.org/fhir"><text><status value="generated"/>
            <div xmlns="http://www.w3.org/1999/xhtml"><p onload="alert(1)">Hei</p></div></text></Patient>
            """;

        var error = Assert.Throws<BadRequestException>(() => FhirSerializer.ParseXml(xml));

        Assert.Equal($"{NarrativeRule}event attribute onload on <p> is not allowed.", Assert.Single(error.Issues).Diagnostics);
    }

    [Fact]
    public void ParseJson_ContainedAndBundledNarratives_AreCheckedWhereTheyAre()
    {
        var bad = Div("<script>alert(1)</script>");
        var json = System.Text.Json.JsonSerializer.Serialize(new
        {
            resourceType = "Bundle",
            type = "collection",
            entry = new object[]
            {
                new { resource = new { resourceType = "Patient", id = "p1" } },
                new { resource = new { resourceType = "Observation", status = "final", code = new { text = "x" }, contained = new[] { new { resourceType = "Patient", id = "c1", text = new { status = "generated", div = bad } } } } },
            },
        });

        var error = Assert.Throws<BadRequestException>(() => FhirSerializer.ParseJson(json));

        Assert.Equal(["Bundle.entry[1].resource.contained[0].text.div"], Assert.Single(error.Issues).Expression);
    }

    [Fact]
    public void Validate_ResourceBuiltInCodeWithAnUnsafeNarrative_HasABaseRuleError()
    {
        var patient = new Patient { Text = new Narrative { Status = Narrative.NarrativeStatus.Generated, Div = Div("<p onclick=\"x()\">x</p>") } };

        var outcome = new ProfileValidator(ConformanceSource.Empty).Validate(patient);

        var issue = Assert.Single(outcome.Issue, i => i.Severity == IssueSeverity.Error);
        Assert.Equal($"Base R4 rule: {NarrativeRule}event attribute onclick on <p> is not allowed.", issue.Diagnostics);
        Assert.Equal(["Patient.text.div"], issue.Expression);
    }
}
