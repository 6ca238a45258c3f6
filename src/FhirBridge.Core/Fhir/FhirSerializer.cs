using System.Text;
using System.Text.Json;
using System.Xml;
using FhirBridge.Core.Errors;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Utility;
using Hl7.Fhir.Validation;

namespace FhirBridge.Core.Fhir;

/// <summary>The one place that turns FHIR JSON/XML into POCOs and back: strict, shared, thread-safe.</summary>
public static class FhirSerializer
{
    /// <summary>Deepest JSON/XML nesting accepted; deeper bodies are rejected with 400 before they exhaust the stack.</summary>
    public const int MaxDepth = 64;

    private const string JsonWhitespace = " \t\r\n";

    // Firely: converter options are expensive to build, so every instance here is built once and reused.
    private static readonly JsonSerializerOptions CompactOptions = JsonOptions();
    private static readonly JsonSerializerOptions PrettyOptions = JsonOptions().Pretty();
    private static readonly FhirXmlDeserializer XmlDeserializer = new(new DeserializerSettings());
    private static readonly FhirXmlSerializer XmlWriter = new();

    private static JsonSerializerOptions JsonOptions() =>
        new JsonSerializerOptions { MaxDepth = MaxDepth }.ForFhir(ModelInfo.ModelInspector, new FhirJsonConverterOptions { NarrativeValidation = NarrativeValidationKind.None });

    /// <summary>Parses a JSON resource; throws <see cref="BadRequestException"/> saying what is wrong and where.</summary>
    public static Resource ParseJson(string json)
    {
        // A resource is a JSON object (https://hl7.org/fhir/R4/json.html); Firely fails on any other root with a bare InvalidOperationException.
        if (!json.AsSpan().TrimStart(JsonWhitespace).StartsWith("{", StringComparison.Ordinal))
        {
            throw new BadRequestException("The body must be a JSON object holding a FHIR resource.");
        }

        try
        {
            // Not null: the root is an object.
            return RejectUnsafeNarrative(JsonSerializer.Deserialize<Resource>(json, CompactOptions)!);
        }
        catch (DeserializationFailedException e)
        {
            throw new BadRequestException(ToIssues(e));
        }
        catch (CodedException e)
        {
            // Firely's POCO validation runs inside the converter and can throw directly, e.g. "contained" given as an object.
            throw new BadRequestException(e.Message);
        }
        catch (JsonException e)
        {
            throw new BadRequestException($"Malformed JSON: {e.Message}", e.Path);
        }
    }

    /// <summary>Parses an XML resource; DTDs are refused (no entity expansion).</summary>
    public static Resource ParseXml(string xml)
    {
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, MaxCharactersFromEntities = 0 };
        try
        {
            using var reader = XmlReader.Create(new StringReader(xml), settings);
            RejectDeepXml(xml, settings);
            return RejectUnsafeNarrative(XmlDeserializer.DeserializeResource(reader));
        }
        catch (DeserializationFailedException e)
        {
            throw new BadRequestException(ToIssues(e));
        }
        catch (XmlException e)
        {
            throw new BadRequestException($"Malformed XML at line {e.LineNumber}, position {e.LinePosition}: {e.Message}");
        }
    }

    public static Resource Parse(string body, bool xml) => xml ? ParseXml(body) : ParseJson(body);

    public static string ToJson(Resource resource, bool pretty = false) =>
        JsonSerializer.Serialize(resource, pretty ? PrettyOptions : CompactOptions);

    public static string ToXml(Resource resource, bool pretty = false) =>
        XmlWriter.SerializeToString(resource, pretty);

    public static string Serialize(Resource resource, bool xml, bool pretty = false) =>
        xml ? ToXml(resource, pretty) : ToJson(resource, pretty);

    /// <summary>
    /// Looks at JSON without parsing it as FHIR: whether it is well-formed, and the resourceType it names (null when it is
    /// not an object with a string resourceType) — to tell resources from package.json and other files cheaply.
    /// </summary>
    public static (bool WellFormed, string? ResourceType) PeekResourceType(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            return (true, root.ValueKind == JsonValueKind.Object && root.TryGetProperty("resourceType", out var type)
                && type.ValueKind == JsonValueKind.String ? type.GetString() : null);
        }
        catch (JsonException)
        {
            return (false, null);
        }
    }

    private static IReadOnlyList<OperationOutcome.IssueComponent> ToIssues(DeserializationFailedException e)
    {
        var issues = e.Exceptions
            .Select(x => FhirException.Issue(
                OperationOutcome.IssueSeverity.Error,
                OperationOutcome.IssueType.Structure,
                x.Message,
                LocationOf(x)))
            .ToList();
        return issues.Count > 0
            ? issues
            : [FhirException.Issue(OperationOutcome.IssueSeverity.Error, OperationOutcome.IssueType.Structure, e.Message)];
    }

    private static string? LocationOf(Exception e) => e switch
    {
        FhirJsonException j => j.InstancePath,
        FhirXmlException x => x.InstancePath,
        _ => null,
    };

    // Narrative XHTML must follow https://hl7.org/fhir/R4/narrative.html#xhtml (no script, no event attributes), else
    // stored markup could run in the clients that display it. Firely's own check (NarrativeValidationKind.FhirXhtml)
    // validates against the XHTML schema and costs more than parsing the rest of a typical resource, so both formats
    // parse without it and are checked here in one pass.
    private static Resource RejectUnsafeNarrative(Resource resource)
    {
        var (expression, message) = NarrativeXhtml.Problems(resource).FirstOrDefault();
        return message is null ? resource : throw new BadRequestException(message, expression);
    }

    // XmlReader has no depth limit of its own; walk once before deserializing.
    private static void RejectDeepXml(string xml, XmlReaderSettings settings)
    {
        using var probe = XmlReader.Create(new StringReader(xml), settings);
        while (probe.Read())
        {
            if (probe.Depth > MaxDepth)
            {
                throw new BadRequestException($"The XML body nests deeper than {MaxDepth} levels.");
            }
        }
    }
}
