using FhirBridge.Core.Errors;
using Hl7.Fhir.Model;

namespace FhirBridge.Core.Terminology;

/// <summary>
/// The input of ConceptMap $translate (https://hl7.org/fhir/R4/conceptmap-operation-translate.html): which maps
/// (<see cref="MapId"/>, <see cref="MapUrl"/>, or every map from <see cref="Source"/> to <see cref="Target"/>),
/// the codings to translate and, optionally, the <see cref="TargetSystem"/> wanted.
/// </summary>
public sealed record TranslateRequest(
    IReadOnlyList<Coding> Codings,
    string? MapUrl = null,
    string? MapId = null,
    string? Source = null,
    string? Target = null,
    string? TargetSystem = null)
{
    private static readonly HashSet<string> ScalarParameters = ["url", "conceptMapVersion", "system", "version", "code", "source", "target", "targetsystem", "reverse"];

    /// <summary>From the query string of a GET (a coding as <c>system|code</c>); 400 on missing, unknown or contradictory input.</summary>
    public static TranslateRequest FromQuery(IReadOnlyList<KeyValuePair<string, string>> query, string? mapId)
    {
        var values = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var (name, value) in query.Where(p => !p.Key.StartsWith("_format", StringComparison.Ordinal) && p.Key != "_pretty"))
        {
            object parsed = name switch
            {
                "coding" => ParseToken(value),
                "codeableConcept" => throw new BadRequestException("codeableConcept can only be given in a POSTed Parameters resource.", name),
                _ when ScalarParameters.Contains(name) => value,
                _ => throw Unknown(name),
            };
            Add(values, name, parsed);
        }

        return Build(values, mapId);
    }

    /// <summary>From a POSTed Parameters resource; 400 on missing, unknown or contradictory input.</summary>
    public static TranslateRequest FromParameters(Parameters parameters, string? mapId)
    {
        var values = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var parameter in parameters.Parameter)
        {
            var name = parameter.Name ?? "";
            object parsed = (name, parameter.Value) switch
            {
                ("coding", Coding coding) => coding,
                ("codeableConcept", CodeableConcept concept) => concept,
                (_, PrimitiveType value) when ScalarParameters.Contains(name) && value.ToString() is { Length: > 0 } text => text,
                _ when ScalarParameters.Contains(name) || name is "coding" or "codeableConcept" =>
                    throw new BadRequestException($"The parameter '{name}' has no value of the right type.", name),
                _ => throw Unknown(name),
            };
            Add(values, name, parsed);
        }

        return Build(values, mapId);
    }

    private static TranslateRequest Build(Dictionary<string, object> values, string? mapId)
    {
        string? Text(string name) => values.TryGetValue(name, out var value) ? (string)value : null;

        if (Text("reverse") is { } reverse && reverse != "false")
        {
            throw new BadRequestException("reverse translation is not supported: translate with a map in the other direction.", "reverse");
        }

        var url = Text("url") is { } u && Text("conceptMapVersion") is { } v ? $"{u}|{v}" : Text("url");
        var given = new[] { "code", "coding", "codeableConcept" }.Where(values.ContainsKey).ToList();
        if (given.Count != 1)
        {
            throw new BadRequestException(given.Count == 0
                ? "$translate needs the concept to translate: system and code, coding or codeableConcept."
                : $"$translate takes one of code, coding and codeableConcept, not {string.Join(" and ", given)}.");
        }

        IReadOnlyList<Coding> codings = given[0] switch
        {
            "code" => [new Coding(Text("system") ?? throw new BadRequestException("code needs system.", "system"), Text("code"))],
            "coding" => [(Coding)values["coding"]],
            _ => ((CodeableConcept)values["codeableConcept"]).Coding,
        };
        if (given[0] != "code" && values.ContainsKey("system"))
        {
            throw new BadRequestException($"system goes with code, not with {given[0]}.", "system");
        }

        if (codings.Count == 0 || codings.Any(c => string.IsNullOrEmpty(c.System) || string.IsNullOrEmpty(c.Code)))
        {
            throw new BadRequestException("Every coding to translate needs a system and a code.", given[0]);
        }

        return new TranslateRequest(codings, url, mapId, Text("source"), Text("target"), Text("targetsystem"));
    }

    private static void Add(Dictionary<string, object> values, string name, object value)
    {
        if (!values.TryAdd(name, value))
        {
            throw new BadRequestException($"The parameter '{name}' is given more than once.", name);
        }
    }

    private static Coding ParseToken(string token)
    {
        var bar = token.IndexOf('|', StringComparison.Ordinal);
        return bar > 0 && bar < token.Length - 1
            ? new Coding(token[..bar], token[(bar + 1)..])
            : throw new BadRequestException("coding must be given as system|code.", "coding");
    }

    private static BadRequestException Unknown(string name) =>
        new($"$translate has no parameter '{name}'.", name);
}
