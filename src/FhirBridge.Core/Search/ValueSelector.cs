using System.Collections;
using System.Text.RegularExpressions;
using Hl7.Fhir.FhirPath;
using Hl7.Fhir.Model;
using Hl7.FhirPath;
using Hl7.FhirPath.Expressions;

namespace FhirBridge.Core.Search;

/// <summary>
/// One compiled search-parameter expression. The shapes R4 parameters mostly use — <c>Type.a.b</c>, <c>(Type.a as T)</c>,
/// <c>Type.a.where(resolve() is T)</c>, <c>Type.a.where(b='x')</c> and unions of them — walk the POCO directly, an order
/// of magnitude faster than the general engine on the write path; anything else runs on the Firely FHIRPath engine.
/// </summary>
internal abstract partial class ValueSelector
{
    private static readonly FhirPathCompiler Compiler = new(new SymbolTable().AddStandardFP().AddFhirExtensions());

    public abstract IEnumerable<Base> Select(ExtractionScope scope);

    public static ValueSelector Compile(string expression, string resourceType)
    {
        var branches = FhirPathBranches.SplitTopLevelUnion(expression).Select(b => CompileBranch(b, resourceType)).ToList();
        return branches.All(b => b is not null)
            ? new StepSelector([.. branches.Select(b => b!)])
            : new FhirPathSelector(Compiler.Compile(expression));
    }

    private static Step[]? CompileBranch(string branch, string resourceType)
    {
        if (CastPattern().Match(branch) is { Success: true } cast)
        {
            return PathSteps(cast.Groups["path"].Value, resourceType) is { } path
                ? [.. path, OfType(cast.Groups["type"].Value), .. cast.Groups["rest"].Value.Split('.', StringSplitOptions.RemoveEmptyEntries).Select(Child)]
                : null;
        }

        if (WherePattern().Match(branch) is { Success: true } where)
        {
            var filter = where.Groups["resolved"].Success ? ReferencesType(where.Groups["resolved"].Value)
                : FieldEquals(where.Groups["field"].Value, where.Groups["literal"].Value);
            return PathSteps(where.Groups["path"].Value, resourceType) is { } path ? [.. path, filter] : null;
        }

        return PathSteps(branch, resourceType);
    }

    private static Step[]? PathSteps(string path, string resourceType)
    {
        if (!PlainPath().IsMatch(path))
        {
            return null;
        }

        var names = path.Split('.');
        return names[0] == resourceType || names[0] == "Resource" || names[0] == "DomainResource"
            ? [.. names[1..].Select(Child)]
            : null;
    }

    private static Step Child(string name) => node => node.TryGetValue(name, out var value)
        ? value switch
        {
            Base single => [single],
            IEnumerable list => list.OfType<Base>(),
            _ => [],
        }
        : [];

    // FHIRPath "as T" keeps values whose type is T (https://hl7.org/fhirpath/#as-type-specifier).
    private static Step OfType(string fhirType) => node => node.TypeName == fhirType ? [node] : [];

    // resolve() is answered from the reference text alone, as the engine's resolver does in IndexExtractor.
    private static Step ReferencesType(string resourceType) => node =>
        node is ResourceReference { Reference: { } text } && ReferenceText.TypeOf(text) == resourceType ? [node] : [];

    private static Step FieldEquals(string field, string literal)
    {
        var child = Child(field);
        return node => child(node).Any(v => v is PrimitiveType p && (p.JsonValue as string ?? p.ToString()) == literal) ? [node] : [];
    }

    [GeneratedRegex(@"^[A-Z][A-Za-z]*(\.[a-z][A-Za-z0-9]*)+$", RegexOptions.CultureInvariant)]
    private static partial Regex PlainPath();

    [GeneratedRegex(@"^\((?<path>[A-Za-z.]+) as (?<type>[A-Za-z]+)\)(?<rest>(\.[a-z][A-Za-z0-9]*)*)$", RegexOptions.CultureInvariant)]
    private static partial Regex CastPattern();

    [GeneratedRegex(@"^(?<path>[A-Za-z.]+)\.where\((resolve\(\) is (?<resolved>[A-Z][A-Za-z]*)|(?<field>[a-z][A-Za-z]*) ?= ?'(?<literal>[^'\\]*)')\)$", RegexOptions.CultureInvariant)]
    private static partial Regex WherePattern();

    private delegate IEnumerable<Base> Step(Base node);

    private sealed class StepSelector(Step[][] branches) : ValueSelector
    {
        public override IEnumerable<Base> Select(ExtractionScope scope)
        {
            foreach (var branch in branches)
            {
                IEnumerable<Base> current = [scope.Resource];
                foreach (var step in branch)
                {
                    current = current.SelectMany(node => step(node));
                }

                foreach (var value in current)
                {
                    yield return value;
                }
            }
        }
    }

    private sealed class FhirPathSelector(CompiledExpression expression) : ValueSelector
    {
        public override IEnumerable<Base> Select(ExtractionScope scope) =>
            expression(scope.Focus, scope.Context).Select(n => n.Poco);
    }
}
