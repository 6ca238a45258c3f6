using Hl7.Fhir.Model;
using Hl7.Fhir.Utility;

namespace FhirBridge.Core.Terminology;

/// <summary>One target of a translation: how it relates to the source (read target-to-source, e.g. the target is wider), from which map.</summary>
/// <param name="Concept">The target coding; null for an <c>unmatched</c> entry.</param>
/// <param name="ByUnmappedRule">The source code has no mapping of its own: the group's <c>unmapped</c> rule gave this target.</param>
public sealed record TranslationMatch(ConceptMapEquivalence Equivalence, Coding? Concept, string Source, bool ByUnmappedRule, string? Comment)
{
    /// <summary>Whether the match is a translation at all (https://hl7.org/fhir/R4/conceptmap-operation-translate.html: not unmatched or disjoint).</summary>
    public bool IsMapping => Equivalence is not (ConceptMapEquivalence.Unmatched or ConceptMapEquivalence.Disjoint);
}

/// <summary>The outcome of a translation: <see cref="Result"/> true when some match is a mapping; <see cref="Message"/> says why not, or what to check.</summary>
public sealed record Translation(bool Result, string? Message, IReadOnlyList<TranslationMatch> Matches)
{
    /// <summary>The $translate output: result, message, match{equivalence, concept, source}.</summary>
    public Parameters ToParameters()
    {
        var parameters = new Parameters();
        parameters.Add("result", new FhirBoolean(Result));
        if (Message is not null)
        {
            parameters.Add("message", new FhirString(Message));
        }

        foreach (var match in Matches)
        {
            var part = new List<Tuple<string, Base>> { Tuple.Create("equivalence", (Base)new Code(match.Equivalence.GetLiteral())) };
            if (match.Concept is not null)
            {
                part.Add(Tuple.Create("concept", (Base)match.Concept));
            }

            part.Add(Tuple.Create("source", (Base)new FhirUri(match.Source)));
            parameters.Add("match", part);
        }

        return parameters;
    }
}

/// <summary>A CodeableConcept with the mapped codings added, and the issues of what could not be mapped or mapped only approximately.</summary>
public sealed record MappedConcept(CodeableConcept Concept, IReadOnlyList<OperationOutcome.IssueComponent> Issues);
