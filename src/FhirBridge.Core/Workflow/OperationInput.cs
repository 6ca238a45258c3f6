using FhirBridge.Core.Errors;
using FhirBridge.Core.Search;
using Hl7.Fhir.Model;

namespace FhirBridge.Core.Workflow;

/// <summary>Reads a workflow operation's Parameters: 400 naming the parameter when one is missing, repeated or of the wrong type.</summary>
internal sealed class OperationInput(string operation, IReadOnlyList<Parameters.ParameterComponent> parameters, string path = "Parameters")
{
    public OperationInput(string operation, Parameters? parameters)
        : this(operation, parameters?.Parameter ?? [])
    {
    }

    /// <summary>A required reference to a <paramref name="type"/> ("Type/id"); the canonical "Type/id" is returned.</summary>
    public string Reference(string name, params string[] types) =>
        OptionalReference(name, types) ?? throw Missing(name, $"a reference to {string.Join(" or ", types)}");

    public string? OptionalReference(string name, params string[] types)
    {
        if (Optional<ResourceReference>(name, "a Reference") is not { } value)
        {
            return null;
        }

        if (ReferenceText.Canonical(value.Reference) is not { } reference || !types.Contains(ReferenceText.TypeOf(reference)))
        {
            throw Invalid(name, $"must reference a {string.Join(" or ", types)} as Type/id (got '{value.Reference}').");
        }

        return reference;
    }

    /// <summary>A required Coding of <paramref name="system"/>.</summary>
    public Coding Coding(string name, string system) => OptionalCoding(name, system) ?? throw Missing(name, $"a Coding of {system}");

    public Coding? OptionalCoding(string name, string system)
    {
        var coding = Optional<Coding>(name, "a Coding");
        if (coding is not null && (coding.System != system || string.IsNullOrEmpty(coding.Code)))
        {
            throw Invalid(name, $"must be a code of {system} (got {coding.System}|{coding.Code}).");
        }

        return coding;
    }

    public string? OptionalCode(string name) => Optional<Code>(name, "a code")?.Value;

    public string? OptionalString(string name) => Optional<FhirString>(name, "a string")?.Value;

    public bool? OptionalBoolean(string name) => Optional<FhirBoolean>(name, "a boolean")?.Value;

    /// <summary>An optional date (YYYY-MM-DD).</summary>
    public DateOnly? OptionalDate(string name)
    {
        var text = Optional<Date>(name, "a date (YYYY-MM-DD)")?.Value;
        return text is null ? null : WorkflowSettings.ParseDate(text) ?? throw Invalid(name, $"must be a full date YYYY-MM-DD (got '{text}').");
    }

    /// <summary>The parts of each repetition of <paramref name="name"/>.</summary>
    public IEnumerable<(OperationInput Parts, string Path)> Repeated(string name) =>
        parameters.Select((p, i) => (Parameter: p, Path: $"{path}.parameter[{i}]"))
            .Where(p => p.Parameter.Name == name)
            .Select(p => (new OperationInput(operation, p.Parameter.Part, p.Path + ".part"), p.Path));

    /// <summary>The element path of the parameter, for OperationOutcome expressions.</summary>
    public string PathOf(string name)
    {
        var index = parameters.ToList().FindIndex(p => p.Name == name);
        return index < 0 ? path : $"{path}.parameter[{index}]";
    }

    private T? Optional<T>(string name, string expected)
        where T : DataType
    {
        var matches = parameters.Where(p => p.Name == name).ToList();
        if (matches.Count > 1)
        {
            throw Invalid(name, "is given more than once.");
        }

        return matches.Count == 0 ? null : matches[0].Value as T ?? throw Invalid(name, $"must be {expected} (value{typeof(T).Name}).");
    }

    private BadRequestException Missing(string name, string expected) =>
        new($"{operation}: the parameter '{name}' ({expected}) is missing.", PathOf(name));

    private BadRequestException Invalid(string name, string problem) =>
        new($"{operation}: the parameter '{name}' {problem}", PathOf(name));
}
