using System.Collections.Concurrent;
using System.Collections.Frozen;
using FhirBridge.Core.Fhir;
using Hl7.Fhir.Model;

namespace FhirBridge.Core.Search;

/// <summary>
/// Extracts index entries by evaluating each parameter's FHIRPath on the resource. Expressions are compiled once per
/// type on first use (see <see cref="ValueSelector"/>); <c>resolve()</c> answers from the reference text alone
/// (a stub of the named type), never I/O.
/// </summary>
public sealed class IndexExtractor : IIndexExtractor
{
    private static readonly ConcurrentDictionary<string, Base?> Stubs = new(StringComparer.Ordinal);

    private readonly FrozenDictionary<string, Lazy<CompiledParameter[]>> _byType;

    public IndexExtractor(ISearchParameterRegistry registry)
    {
        _byType = ServedTypes.All.ToFrozenDictionary(
            t => t,
            t => new Lazy<CompiledParameter[]>(() => [.. registry.For(t).Select(p => new CompiledParameter(p, ValueSelector.Compile(p.Expression, t)))]),
            StringComparer.Ordinal);
    }

    public IReadOnlyList<IndexEntry> Extract(Resource resource)
    {
        if (!_byType.TryGetValue(resource.TypeName, out var parameters))
        {
            return [];
        }

        var scope = new ExtractionScope(resource, ResolveStub);
        var entries = new List<IndexEntry>();
        var seen = new HashSet<IndexEntry>();
        foreach (var parameter in parameters.Value)
        {
            foreach (var value in parameter.Selector.Select(scope))
            {
                foreach (var entry in IndexValues.From(parameter.Info, value))
                {
                    if (seen.Add(entry))
                    {
                        entries.Add(entry);
                    }
                }
            }
        }

        return entries;
    }

    // R4 expressions filter with where(resolve() is Patient): only the referenced type matters, so an empty resource of that type answers.
    private static PocoNode? ResolveStub(string reference)
    {
        var type = ReferenceText.TypeOf(reference);
        var stub = type is null ? null : Stubs.GetOrAdd(type, t => ModelInfo.GetTypeForFhirType(t) is { } clr ? (Base?)Activator.CreateInstance(clr) : null);
        return stub?.ToPocoNode(ModelInfo.ModelInspector, type);
    }

    private sealed record CompiledParameter(SearchParameterInfo Info, ValueSelector Selector);
}
