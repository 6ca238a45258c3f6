using FhirBridge.Core.Errors;
using Hl7.Fhir.Model;
using Hl7.Fhir.Utility;

namespace FhirBridge.Core.Terminology;

/// <summary>
/// Translates codes with the loaded ConceptMaps ($translate, https://hl7.org/fhir/R4/conceptmap-operation-translate.html)
/// and maps inbound CodeableConcepts, reporting unmapped codes as OperationOutcome issues instead of dropping them.
/// </summary>
public sealed class ConceptTranslator(ConceptMapSet maps)
{
    /// <summary>Translates the request's codings; 404 for an unknown map, 400 when the map id and url disagree.</summary>
    public Translation Translate(TranslateRequest request)
    {
        var selected = Select(request);
        if (selected.Count == 0)
        {
            return new Translation(false, $"No loaded ConceptMap maps from {request.Source ?? "any value set"} to {request.Target ?? "any value set"}.", []);
        }

        var matches = new List<TranslationMatch>();
        var reasons = new List<string>();
        var fallbacks = new List<string>();
        foreach (var coding in request.Codings)
        {
            foreach (var map in selected)
            {
                var found = TranslateCoding(map, coding, request.TargetSystem, [], reasons);
                matches.AddRange(found);
                fallbacks.AddRange(found.Where(m => m.ByUnmappedRule && m.IsMapping)
                    .Select(m => $"{Show(coding)} has no mapping of its own in ConceptMap {map.Url}: its unmapped rule gives {Show(m.Concept!)}."));
            }
        }

        // A failed translation says why; a successful one only warns when a fallback rule, not the map itself, gave the target.
        var result = matches.Any(m => m.IsMapping);
        var message = result ? fallbacks : reasons;
        return new Translation(result, message.Count > 0 ? string.Join(" ", message) : null, matches);
    }

    /// <summary>Translates one coding with the map <paramref name="conceptMapUrl"/>.</summary>
    public Translation Translate(string conceptMapUrl, Coding coding) => Translate(new TranslateRequest([coding], MapUrl: conceptMapUrl));

    /// <summary>
    /// Adds to a copy of <paramref name="concept"/> the target codings the map <paramref name="conceptMapUrl"/> gives,
    /// keeping the original codings. Issues: a warning for each coding that does not map (and for a mapping only by the
    /// unmapped rule), information for an approximate mapping (wider, narrower, inexact…). Codings already in a target
    /// system of the map pass unchanged. <paramref name="expression"/> is the element's path, put on the issues.
    /// </summary>
    public MappedConcept Map(CodeableConcept concept, string conceptMapUrl, string? expression = null)
    {
        var map = maps.FindByUrl(conceptMapUrl) ?? throw new ResourceNotFoundException($"ConceptMap {conceptMapUrl} is not loaded.");
        var targetSystems = map.Group.Select(g => g.Target).ToHashSet(StringComparer.Ordinal);
        var mapped = (CodeableConcept)concept.DeepCopy();
        var issues = new List<OperationOutcome.IssueComponent>();
        foreach (var coding in concept.Coding.Where(c => !targetSystems.Contains(c.System)))
        {
            var translation = Translate(new TranslateRequest([coding], MapUrl: conceptMapUrl));
            var usable = translation.Matches.Where(m => m.IsMapping).ToList();
            if (usable.Count == 0)
            {
                issues.Add(Issue(OperationOutcome.IssueSeverity.Warning, OperationOutcome.IssueType.CodeInvalid,
                    $"Not mapped: {translation.Message ?? $"{Show(coding)} has no target in ConceptMap {map.Url}."}", expression));
            }

            foreach (var match in usable)
            {
                if (!mapped.Coding.Any(c => c.System == match.Concept!.System && c.Code == match.Concept.Code))
                {
                    mapped.Coding.Add((Coding)match.Concept!.DeepCopy());
                }

                if (match.ByUnmappedRule)
                {
                    issues.Add(Issue(OperationOutcome.IssueSeverity.Warning, OperationOutcome.IssueType.CodeInvalid,
                        $"{Show(coding)} has no mapping in ConceptMap {map.Url}; mapped to the fallback {Show(match.Concept!)}.", expression));
                }
                else if (match.Equivalence is not (ConceptMapEquivalence.Equivalent or ConceptMapEquivalence.Equal))
                {
                    issues.Add(Issue(OperationOutcome.IssueSeverity.Information, OperationOutcome.IssueType.Informational,
                        $"{Show(coding)} mapped to {Show(match.Concept!)} as {match.Equivalence.GetLiteral()} (ConceptMap {map.Url})"
                        + (match.Comment is null ? "." : $": {match.Comment}"), expression));
                }
            }
        }

        return new MappedConcept(mapped, issues);
    }

    private List<ConceptMap> Select(TranslateRequest request)
    {
        if (request.MapId is not null)
        {
            var map = maps.FindById(request.MapId) ?? throw new ResourceNotFoundException($"ConceptMap/{request.MapId} is not known.");
            if (request.MapUrl is not null && maps.FindByUrl(request.MapUrl) != map)
            {
                throw new BadRequestException($"url {request.MapUrl} is not the url of ConceptMap/{request.MapId}.", "url");
            }

            return [map];
        }

        if (request.MapUrl is not null)
        {
            return [maps.FindByUrl(request.MapUrl) ?? throw new ResourceNotFoundException($"ConceptMap {request.MapUrl} is not loaded.")];
        }

        return [.. maps.Maps.Where(m => (request.Source is null || Canonical(m.Source) == request.Source)
            && (request.Target is null || Canonical(m.Target) == request.Target))];
    }

    private List<TranslationMatch> TranslateCoding(ConceptMap map, Coding coding, string? targetSystem, HashSet<string> visited, List<string> reasons)
    {
        visited.Add(map.Url!);
        var groups = map.Group.Where(g => g.Source == coding.System && (targetSystem is null || g.Target == targetSystem)).ToList();
        if (groups.Count == 0)
        {
            reasons.Add($"ConceptMap {map.Url} maps no codes of {coding.System}{(targetSystem is null ? "" : $" to {targetSystem}")}.");
            return [];
        }

        var matches = new List<TranslationMatch>();
        foreach (var group in groups)
        {
            if (group.Element.FirstOrDefault(e => e.Code == coding.Code) is { } element)
            {
                matches.AddRange(element.Target.Select(t => new TranslationMatch(
                    t.Equivalence!.Value, t.Code is null ? null : new Coding(group.Target, t.Code, t.Display), map.Url!, false, t.Comment)));
                reasons.AddRange(element.Target.Where(t => t.Equivalence is ConceptMapEquivalence.Unmatched or ConceptMapEquivalence.Disjoint)
                    .Select(t => $"{Show(coding)} is {t.Equivalence!.Value.GetLiteral()} in ConceptMap {map.Url}" + (t.Comment is null ? "." : $": {t.Comment}")));
            }
            else
            {
                matches.AddRange(Unmapped(map, group, coding, visited, reasons));
            }
        }

        return matches;
    }

    // https://hl7.org/fhir/R4/conceptmap-definitions.html#ConceptMap.group.unmapped: used only for codes with no element
    // at all. A fixed code is reported as inexact: the map says nothing about how close it is.
    private IEnumerable<TranslationMatch> Unmapped(ConceptMap map, ConceptMap.GroupComponent group, Coding coding, HashSet<string> visited, List<string> reasons)
    {
        switch (group.Unmapped?.Mode)
        {
            case ConceptMap.ConceptMapGroupUnmappedMode.Provided:
                return [new(ConceptMapEquivalence.Equal, new Coding(group.Target, coding.Code, coding.Display), map.Url!, true, null)];
            case ConceptMap.ConceptMapGroupUnmappedMode.Fixed:
                return [new(ConceptMapEquivalence.Inexact, new Coding(group.Target, group.Unmapped.Code, group.Unmapped.Display), map.Url!, true, null)];
            case ConceptMap.ConceptMapGroupUnmappedMode.OtherMap when group.Unmapped.Url is { } url && maps.FindByUrl(url) is { } other && !visited.Contains(other.Url!):
                return TranslateCoding(other, coding, group.Target, visited, reasons);
            default:
                reasons.Add($"{Show(coding)} has no mapping in ConceptMap {map.Url}.");
                return [];
        }
    }

    private static string? Canonical(DataType? value) => (value as PrimitiveType)?.ToString();

    private static string Show(Coding coding) => $"{coding.System}|{coding.Code}";

    private static OperationOutcome.IssueComponent Issue(
        OperationOutcome.IssueSeverity severity, OperationOutcome.IssueType code, string message, string? expression) => new()
        {
            Severity = severity,
            Code = code,
            Diagnostics = message,
            Expression = expression is null ? [] : [expression],
        };
}
