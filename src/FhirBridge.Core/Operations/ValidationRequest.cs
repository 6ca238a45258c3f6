using FhirBridge.Core.Errors;
using Hl7.Fhir.Model;

namespace FhirBridge.Core.Operations;

/// <summary>The input of $validate (https://hl7.org/fhir/R4/resource-operation-validate.html): resource, profile and mode.</summary>
public sealed record ValidationRequest(Resource? Resource, string? Profile, ValidationMode Mode)
{
    /// <summary>
    /// Reads a POSTed body — the resource itself, or a Parameters with <c>resource</c>, <c>profile</c> and <c>mode</c> —
    /// with <c>profile</c> and <c>mode</c> also taken from the URL's query.
    /// </summary>
    public static ValidationRequest FromBody(string type, Resource body, IReadOnlyList<KeyValuePair<string, string>> query)
    {
        if (body is not Parameters parameters || type == "Parameters")
        {
            return FromQuery(body, query);
        }

        var resource = Named(parameters, "resource")?.Resource
            ?? throw new BadRequestException("The Parameters of $validate need a 'resource' parameter holding the resource.", "Parameters.parameter");
        var profile = Named(parameters, "profile")?.Value?.ToString();
        var mode = Named(parameters, "mode")?.Value?.ToString();
        return new ValidationRequest(resource, profile ?? Query(query, "profile"), ParseMode(mode ?? Query(query, "mode")));
    }

    /// <summary>The request of GET [type]/[id]/$validate (resource read by the caller) or of a plain body.</summary>
    public static ValidationRequest FromQuery(Resource? resource, IReadOnlyList<KeyValuePair<string, string>> query) =>
        new(resource, Query(query, "profile"), ParseMode(Query(query, "mode")));

    // The first of a repeated parameter: $validate takes each of them once (0..1).
    private static Parameters.ParameterComponent? Named(Parameters parameters, string name) =>
        parameters.Parameter.FirstOrDefault(p => p.Name == name);

    private static string? Query(IReadOnlyList<KeyValuePair<string, string>> query, string name) =>
        query.Where(p => p.Key == name).Select(p => p.Value).FirstOrDefault(v => v.Length > 0);

    private static ValidationMode ParseMode(string? mode) => mode switch
    {
        null or "profile" => ValidationMode.Profile,
        "create" => ValidationMode.Create,
        "update" => ValidationMode.Update,
        "delete" => ValidationMode.Delete,
        _ => throw new BadRequestException($"Unknown $validate mode '{mode}': use create, update, delete or profile.", "mode"),
    };
}

/// <summary>The $validate modes of R4 (https://hl7.org/fhir/R4/valueset-resource-validation-mode.html).</summary>
public enum ValidationMode
{
    Profile,
    Create,
    Update,
    Delete,
}
