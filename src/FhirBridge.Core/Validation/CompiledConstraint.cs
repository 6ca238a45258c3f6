using System.Collections.Concurrent;
using Hl7.Fhir.FhirPath;
using Hl7.Fhir.Model;
using Hl7.FhirPath;
using Hl7.FhirPath.Expressions;

namespace FhirBridge.Core.Validation;

/// <summary>A profile invariant with its FHIRPath compiled once (shared by every profile using the same expression).</summary>
internal sealed class CompiledConstraint
{
    private static readonly FhirPathCompiler Compiler = new(new SymbolTable().AddStandardFP().AddFhirExtensions());
    private static readonly ConcurrentDictionary<string, Lazy<(CompiledExpression? Expression, string? Error)>> Cache = new(StringComparer.Ordinal);

    public CompiledConstraint(ElementDefinition.ConstraintComponent constraint)
    {
        Key = constraint.Key ?? "(no key)";
        Human = constraint.Human ?? string.Empty;
        Expression = constraint.Expression ?? string.Empty;
        IsError = constraint.Severity != ConstraintSeverity.Warning;
        (Compiled, CompileError) = Cache.GetOrAdd(Expression, e => new Lazy<(CompiledExpression?, string?)>(() => CompileOrExplain(e))).Value;
    }

    public string Key { get; }

    public string Human { get; }

    public string Expression { get; }

    public bool IsError { get; }

    public CompiledExpression? Compiled { get; }

    public string? CompileError { get; }

    private static (CompiledExpression?, string?) CompileOrExplain(string expression)
    {
        try
        {
            return (Compiler.Compile(expression), null);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
        {
            return (null, e.Message);
        }
    }
}
