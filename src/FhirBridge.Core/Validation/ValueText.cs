using Hl7.Fhir.Model;

namespace FhirBridge.Core.Validation;

/// <summary>Short, person-readable renderings of values for diagnostics.</summary>
internal static class ValueText
{
    public static string Describe(Base value) => value switch
    {
        PrimitiveType p when InstanceChildren.PrimitiveText(p) is { } text => $"'{text}'",
        Coding c => $"'{c.System}|{c.Code}'",
        CodeableConcept cc when cc.Coding.Count > 0 => string.Join(", ", cc.Coding.Select(Describe)),
        CodeableConcept cc => $"text '{cc.Text}' without a coding",
        Identifier i => $"identifier '{i.System}|{i.Value}'",
        ResourceReference r => $"reference '{r.Reference ?? r.Identifier?.Value ?? r.Display}'",
        Extension e => $"extension '{e.Url}'",
        Quantity q => $"'{q.Value} {q.System}|{q.Code}'",
        _ => $"a {value.TypeName}",
    };
}
