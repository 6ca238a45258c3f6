using Hl7.Fhir.FhirPath;
using Hl7.Fhir.Model;

namespace FhirBridge.Core.Search;

/// <summary>The resource being indexed, with the FHIRPath engine's view of it built only when an expression needs it.</summary>
internal sealed class ExtractionScope(Resource resource, Func<string, PocoNode?> resolver)
{
    private PocoNode[]? _focus;
    private FhirEvaluationContext? _context;

    public Resource Resource { get; } = resource;

    public PocoNode[] Focus => _focus ??= [Resource.ToPocoNode(ModelInfo.ModelInspector, Resource.TypeName)];

    public FhirEvaluationContext Context => _context ??= new FhirEvaluationContext { ElementResolver = resolver };
}
