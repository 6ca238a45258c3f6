using Hl7.Fhir.FhirPath;
using Hl7.Fhir.Model;
using static Hl7.Fhir.Model.OperationOutcome;
using FhirBridge.Core.Errors;

namespace FhirBridge.Core.Validation;

/// <summary>The state of validating one resource: its issues, the FHIRPath view of it, and how to resolve references.</summary>
internal sealed class ValidationRun(ProfileValidator validator, Resource root, Func<string, Resource?>? resolver, int depth)
{
    private readonly HashSet<string> _missing = new(StringComparer.Ordinal);
    private PocoNode? _rootNode;
    private FhirEvaluationContext? _context;

    public ProfileValidator Validator { get; } = validator;

    public Resource Root { get; } = root;

    public Func<string, Resource?>? Resolver { get; } = resolver;

    /// <summary>How many reference targets deep this run is; target validation stops at a small bound.</summary>
    public int Depth { get; } = depth;

    public List<IssueComponent> Issues { get; } = [];

    public bool HasErrors => Issues.Any(i => i.Severity is IssueSeverity.Error or IssueSeverity.Fatal);

    public PocoNode RootNode => _rootNode ??= Root.ToPocoNode(ModelInfo.ModelInspector, Root.TypeName);

    public FhirEvaluationContext EvaluationContext => _context ??= new FhirEvaluationContext
    {
        Resource = RootNode,
        RootResource = RootNode,
        ElementResolver = reference => Resolve(reference)?.ToPocoNode(ModelInfo.ModelInspector),
    };

    public void Error(IssueType code, string expression, string message) => Add(IssueSeverity.Error, code, expression, message);

    public void Warning(IssueType code, string expression, string message) => Add(IssueSeverity.Warning, code, expression, message);

    public void Add(IssueSeverity severity, IssueType code, string expression, string message) =>
        Issues.Add(FhirException.Issue(severity, code, message, expression));

    /// <summary>
    /// A missing required element or slice: found by the base rules and again by a profile (or by two profiles),
    /// it is reported once per location and slice.
    /// </summary>
    public void Missing(string expression, string? sliceName, string message)
    {
        if (_missing.Add($"{expression}:{sliceName}"))
        {
            Error(IssueType.Required, expression, message);
        }
    }

    /// <summary>A run over the same resource collecting its own issues, to try a rule whose alternatives may fail.</summary>
    public ValidationRun Fork() => new(Validator, Root, Resolver, Depth) { _rootNode = _rootNode, _context = _context };

    /// <summary>Validates an element against a profile in a <see cref="Fork"/>, whose issues the caller may keep or drop.</summary>
    public ValidationRun Attempt(CompiledProfile profile, Base item, string path)
    {
        var attempt = Fork();
        ElementWalker.ValidateItem(profile.Root, item, path, attempt);
        return attempt;
    }

    /// <summary>The resource a reference points to: a contained one (<c>#id</c>), else whatever the caller's resolver finds.</summary>
    public Resource? Resolve(string reference)
    {
        if (reference.StartsWith('#'))
        {
            var id = reference[1..];
            return Root is DomainResource domain ? domain.Contained.FirstOrDefault(c => c.Id == id) : null;
        }

        return Resolver?.Invoke(reference);
    }
}
