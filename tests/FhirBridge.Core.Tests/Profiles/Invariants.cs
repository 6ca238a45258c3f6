using Hl7.Fhir.FhirPath;
using Hl7.Fhir.Model;
using Hl7.FhirPath;
using Hl7.FhirPath.Expressions;

namespace FhirBridge.Core.Tests.Profiles;

/// <summary>Evaluates a profile's own FHIRPath constraints on an instance (only these; full validation is the engine's job).</summary>
internal static class Invariants
{
    private static readonly FhirPathCompiler Compiler = new(new SymbolTable().AddStandardFP().AddFhirExtensions());

    public static CompiledExpression Compile(string expression) => Compiler.Compile(expression);

    /// <summary>The keys of the profile's constraints the resource violates.</summary>
    public static IReadOnlyList<string> Violated(StructureDefinition profile, Resource resource)
    {
        var root = resource.ToPocoNode(ModelInfo.ModelInspector, resource.TypeName);
        var context = new FhirEvaluationContext();
        return
        [
            .. from element in profile.DifferentialElements()
               from constraint in element.Constraint
               let expression = Compile(constraint.Expression!)
               where FocusOf(element.Path!, root, context).Any(node => !expression.Predicate(node, context))
               select constraint.Key!,
        ];
    }

    private static IEnumerable<PocoNode> FocusOf(string path, PocoNode root, FhirEvaluationContext context)
    {
        var dot = path.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? [root] : Compile(path[(dot + 1)..])([root], context);
    }
}
