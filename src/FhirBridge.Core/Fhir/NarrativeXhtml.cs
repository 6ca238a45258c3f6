using System.Collections.Frozen;
using System.Xml;
using Hl7.Fhir.Model;

namespace FhirBridge.Core.Fhir;

/// <summary>
/// Checks narrative XHTML against https://hl7.org/fhir/R4/narrative.html#xhtml in one XmlReader pass with allow-lists:
/// well-formed, a root <c>div</c> in the XHTML namespace, only basic formatting elements and their attributes, no
/// scripts, forms, base/link, event attributes, <c>javascript:</c> URLs, processing instructions or DTDs.
/// </summary>
public static class NarrativeXhtml
{
    public const string XhtmlNamespace = "http://www.w3.org/1999/xhtml";

    private const string XmlNamespace = "http://www.w3.org/XML/1998/namespace";
    private const string XmlnsNamespace = "http://www.w3.org/2000/xmlns/";

    // The element set of the FHIR XHTML schema (fhir-xhtml.xsd): XHTML strict without head/body, scripts, forms,
    // frames, objects, base, link, meta and style.
    private static readonly FrozenSet<string> Elements = FrozenSet.ToFrozenSet(
    [
        "div", "p", "br", "hr", "span", "a", "img", "map", "area", "h1", "h2", "h3", "h4", "h5", "h6",
        "b", "i", "em", "strong", "small", "big", "tt", "sub", "sup", "code", "samp", "kbd", "var", "dfn", "cite",
        "abbr", "acronym", "q", "blockquote", "address", "bdo", "pre", "del", "ins",
        "ul", "ol", "li", "dl", "dt", "dd",
        "table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "th", "td",
    ], StringComparer.Ordinal);

    private static readonly FrozenSet<string> CommonAttributes = FrozenSet.ToFrozenSet(
        ["id", "class", "style", "title", "lang", "dir", "accesskey", "tabindex"], StringComparer.Ordinal);

    private static readonly string[] CellAlignment = ["align", "valign", "char", "charoff"];

    private static readonly FrozenDictionary<string, FrozenSet<string>> ElementAttributes = new Dictionary<string, string[]>
    {
        ["a"] = ["href", "name", "rel", "rev", "type", "hreflang", "charset", "shape", "coords"],
        ["img"] = ["src", "alt", "longdesc", "height", "width", "usemap", "ismap"],
        ["map"] = ["name"],
        ["area"] = ["href", "shape", "coords", "alt", "nohref"],
        ["table"] = ["summary", "width", "border", "frame", "rules", "cellspacing", "cellpadding"],
        ["col"] = ["span", "width", .. CellAlignment],
        ["colgroup"] = ["span", "width", .. CellAlignment],
        ["thead"] = CellAlignment,
        ["tbody"] = CellAlignment,
        ["tfoot"] = CellAlignment,
        ["tr"] = CellAlignment,
        ["th"] = ["abbr", "axis", "headers", "scope", "rowspan", "colspan", .. CellAlignment],
        ["td"] = ["abbr", "axis", "headers", "scope", "rowspan", "colspan", .. CellAlignment],
        ["blockquote"] = ["cite"],
        ["q"] = ["cite"],
        ["del"] = ["cite", "datetime"],
        ["ins"] = ["cite", "datetime"],
    }.ToFrozenDictionary(e => e.Key, e => FrozenSet.ToFrozenSet(e.Value, StringComparer.Ordinal), StringComparer.Ordinal);

    private static readonly XmlReaderSettings Settings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        MaxCharactersFromEntities = 0,
        IgnoreWhitespace = true,
        ConformanceLevel = ConformanceLevel.Document,
    };

    /// <summary>What is wrong with the XHTML of a narrative (one sentence naming it), or null when it is allowed.</summary>
    public static string? Problem(string div)
    {
        try
        {
            using var reader = XmlReader.Create(new StringReader(div), Settings);
            var root = true;
            while (reader.Read())
            {
                var problem = reader.NodeType switch
                {
                    XmlNodeType.Element => ElementProblem(reader, root),
                    XmlNodeType.ProcessingInstruction or XmlNodeType.XmlDeclaration => $"processing instruction <?{reader.Name}?> is not allowed",
                    XmlNodeType.DocumentType => "a DTD is not allowed",
                    _ => null,
                };
                if (problem is not null)
                {
                    return problem;
                }

                root = root && reader.NodeType != XmlNodeType.Element;
            }

            return null;
        }
        catch (XmlException e) when (e.Message.Contains("DTD", StringComparison.Ordinal))
        {
            return "a DTD is not allowed";
        }
        catch (XmlException e)
        {
            return $"it is not well-formed XML: {e.Message.TrimEnd('.')}";
        }
    }

    /// <summary>
    /// The narratives of a resource and of the resources nested in it (contained, Bundle entries, Parameters) that break
    /// the rules: the FHIRPath of each <c>div</c> and a sentence saying what is wrong.
    /// </summary>
    public static IEnumerable<(string Expression, string Message)> Problems(Resource resource) =>
        from found in In(resource, resource.TypeName)
        let problem = found.Narrative.Div is { } div ? Problem(div) : null
        where problem is not null
        select ($"{found.Path}.div", $"The narrative is not valid FHIR XHTML (https://hl7.org/fhir/R4/narrative.html#xhtml): {problem}.");

    private static IEnumerable<(Narrative Narrative, string Path)> In(Resource resource, string path)
    {
        if (resource is DomainResource domain)
        {
            if (domain.Text is { } text)
            {
                yield return (text, $"{path}.text");
            }

            foreach (var nested in Nested(domain.Contained, $"{path}.contained"))
            {
                yield return nested;
            }
        }

        var children = resource switch
        {
            Bundle bundle => bundle.Entry.SelectMany((e, i) => Nested([e.Resource], $"{path}.entry[{i}].resource", list: false)
                .Concat(Nested([e.Response?.Outcome], $"{path}.entry[{i}].response.outcome", list: false))),
            Parameters parameters => Parts(parameters.Parameter, $"{path}.parameter"),
            _ => [],
        };
        foreach (var nested in children)
        {
            yield return nested;
        }
    }

    private static IEnumerable<(Narrative, string)> Parts(List<Parameters.ParameterComponent> parts, string path) =>
        parts.SelectMany((p, i) => Nested([p.Resource], $"{path}[{i}].resource", list: false).Concat(Parts(p.Part, $"{path}[{i}].part")));

    private static IEnumerable<(Narrative, string)> Nested(IEnumerable<Resource?> resources, string path, bool list = true) =>
        resources.SelectMany((r, i) => r is null ? [] : In(r, list ? $"{path}[{i}]" : path));

    private static string? ElementProblem(XmlReader reader, bool root)
    {
        var name = reader.LocalName;
        if (reader.NamespaceURI != XhtmlNamespace)
        {
            return root
                ? $"the root element must be <div> in the XHTML namespace {XhtmlNamespace}, found <{reader.Name}>{InNamespace(reader)}"
                : $"element <{reader.Name}> is not in the XHTML namespace";
        }

        if (root && name != "div")
        {
            return $"the root element must be <div>, found <{name}>";
        }

        if (!Elements.Contains(name))
        {
            return $"element <{name}> is not allowed";
        }

        while (reader.MoveToNextAttribute())
        {
            if (AttributeProblem(reader, name) is { } problem)
            {
                return problem;
            }
        }

        reader.MoveToElement();
        return null;
    }

    private static string? AttributeProblem(XmlReader reader, string element)
    {
        if (reader.NamespaceURI is XmlnsNamespace or XmlNamespace)
        {
            return null;
        }

        var name = reader.Name;
        if (name.StartsWith("on", StringComparison.OrdinalIgnoreCase))
        {
            return $"event attribute {name} on <{element}> is not allowed";
        }

        if (reader.NamespaceURI.Length > 0
            || !(CommonAttributes.Contains(name) || (ElementAttributes.TryGetValue(element, out var own) && own.Contains(name))))
        {
            return $"attribute {name} on <{element}> is not allowed";
        }

        return name is "href" or "src" or "longdesc" or "cite" && IsJavaScriptUrl(reader.Value)
            ? $"attribute {name} on <{element}> is a javascript: URL"
            : null;
    }

    // Browsers drop whitespace and control characters inside a URL scheme, so "java&#9;script:" still runs.
    private static bool IsJavaScriptUrl(string url) =>
        new string([.. url.Where(c => c > ' ')]).StartsWith("javascript:", StringComparison.OrdinalIgnoreCase);

    private static string InNamespace(XmlReader reader) =>
        reader.NamespaceURI.Length == 0 ? " without a namespace" : $" in namespace {reader.NamespaceURI}";
}
