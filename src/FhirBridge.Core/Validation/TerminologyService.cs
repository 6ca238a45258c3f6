using FhirBridge.Core.Errors;
using Hl7.Fhir.Model;

namespace FhirBridge.Core.Validation;

/// <summary>
/// The terminology operations over the loaded ValueSets and CodeSystems: ValueSet $expand and $validate-code,
/// CodeSystem $lookup (https://hl7.org/fhir/R4/terminology-service.html).
/// </summary>
public sealed class TerminologyService(ProfileValidator validator, TimeProvider time)
{
    private ConformanceSource Source => validator.Source;

    /// <summary>The ValueSet with its expansion; 404 when not loaded, 422 when it cannot be enumerated.</summary>
    public ValueSet Expand(string url)
    {
        var valueSet = Source.FindValueSet(url) ?? throw new ResourceNotFoundException($"ValueSet {url} is not loaded.");
        var expansion = Expansion(url);
        if (expansion.OpenSystems.Count > 0)
        {
            throw new UnprocessableEntityException(
                $"ValueSet {url} includes all of {string.Join(", ", expansion.OpenSystems)}, which is not loaded: it cannot be enumerated.");
        }

        var expanded = (ValueSet)valueSet.DeepCopy();
        expanded.Expansion = new ValueSet.ExpansionComponent
        {
            Identifier = $"urn:uuid:{Guid.NewGuid()}",
            Timestamp = new FhirDateTime(time.GetUtcNow()).Value,
            Total = expansion.Codes.Count,
            Contains = expansion.Codes
                .OrderBy(c => c.System, StringComparer.Ordinal)
                .ThenBy(c => c.Code, StringComparer.Ordinal)
                .Select(c => new ValueSet.ContainsComponent { System = c.System, Code = c.Code, Display = Concept(c.System, c.Code)?.Display })
                .ToList(),
        };
        return expanded;
    }

    /// <summary>Whether <paramref name="code"/> (of <paramref name="system"/> when given) is in the ValueSet: result, message, display.</summary>
    public Parameters ValidateCode(string url, string? system, string code)
    {
        if (Source.FindValueSet(url) is null)
        {
            throw new ResourceNotFoundException($"ValueSet {url} is not loaded.");
        }

        var expansion = Expansion(url);
        var result = new Parameters();
        var valid = expansion.Contains(system, code);
        result.Add("result", new FhirBoolean(valid));
        var shown = system is null ? code : $"{system}|{code}";
        if (!valid)
        {
            result.Add("message", new FhirString($"{shown} is not in ValueSet {url}."));
        }
        else if (system is not null && Concept(system, code)?.Display is { } display)
        {
            result.Add("display", new FhirString(display));
        }

        return result;
    }

    /// <summary>The name, version and display of a code of a loaded CodeSystem; 404 when the system or code is unknown.</summary>
    public Parameters Lookup(string system, string code)
    {
        var codeSystem = Source.FindCodeSystem(system) ?? throw new ResourceNotFoundException($"CodeSystem {system} is not loaded.");
        var concept = Find(codeSystem.Concept, code) ?? throw new ResourceNotFoundException($"CodeSystem {system} has no code '{code}'.");
        var result = new Parameters();
        result.Add("name", new FhirString(codeSystem.Name ?? codeSystem.Id));
        if (codeSystem.Version is { } version)
        {
            result.Add("version", new FhirString(version));
        }

        result.Add("display", new FhirString(concept.Display ?? code));
        return result;
    }

    private Expansion Expansion(string url)
    {
        var expansion = validator.Terminology.Expand(url);
        return expansion.Problem is { } problem
            ? throw new UnprocessableEntityException($"ValueSet {url} cannot be expanded: {problem}.")
            : expansion;
    }

    private CodeSystem.ConceptDefinitionComponent? Concept(string system, string code) =>
        Source.FindCodeSystem(system) is { } codeSystem ? Find(codeSystem.Concept, code) : null;

    private static CodeSystem.ConceptDefinitionComponent? Find(IEnumerable<CodeSystem.ConceptDefinitionComponent> concepts, string code)
    {
        foreach (var concept in concepts)
        {
            if (concept.Code == code)
            {
                return concept;
            }

            if (Find(concept.Concept, code) is { } nested)
            {
                return nested;
            }
        }

        return null;
    }
}
