using FhirBridge.Core.Search;
using Hl7.Fhir.Model;

namespace FhirBridge.Storage.Tests;

/// <summary>Search parameter definitions and criterion shorthands for store tests (no registry or parser needed).</summary>
internal static class Params
{
    public static readonly SearchParameterInfo Id = Of("Resource", "_id", SearchParamType.Token);
    public static readonly SearchParameterInfo LastUpdated = Of("Resource", "_lastUpdated", SearchParamType.Date);
    public static readonly SearchParameterInfo Identifier = Of("Patient", "identifier", SearchParamType.Token);
    public static readonly SearchParameterInfo Name = Of("Patient", "name", SearchParamType.String);
    public static readonly SearchParameterInfo Birthdate = Of("Patient", "birthdate", SearchParamType.Date);
    public static readonly SearchParameterInfo GeneralPractitioner = Of("Patient", "general-practitioner", SearchParamType.Reference, "Practitioner", "Organization");
    public static readonly SearchParameterInfo Subject = Of("Observation", "subject", SearchParamType.Reference, "Patient", "Group");
    public static readonly SearchParameterInfo Code = Of("Observation", "code", SearchParamType.Token);
    public static readonly SearchParameterInfo ValueQuantity = Of("Observation", "value-quantity", SearchParamType.Quantity);
    public static readonly SearchParameterInfo Probability = Of("RiskAssessment", "probability", SearchParamType.Number);
    public static readonly SearchParameterInfo Url = Of("ValueSet", "url", SearchParamType.Uri);

    public const string Hetu = "urn:oid:1.2.246.21";

    public static SearchParameterInfo Of(string type, string name, SearchParamType paramType, params string[] targets) =>
        new(type, name, paramType, string.Empty, targets, $"http://hl7.org/fhir/SearchParameter/{type}-{name}");

    public static ParameterCriterion Where(SearchParameterInfo parameter, params SearchValue[] values) => new(parameter, SearchModifier.None, values);

    public static ParameterCriterion Where(SearchParameterInfo parameter, SearchModifier modifier, params SearchValue[] values) => new(parameter, modifier, values);

    public static ParameterCriterion Missing(SearchParameterInfo parameter, bool missing) => new(parameter, SearchModifier.Missing, [new MissingValue(missing)]);

    public static StringIndex Text(string param, string exact, string normalized) => new(param, normalized, exact);

    /// <summary>A date index of the calendar range given as ISO start and end (exclusive).</summary>
    public static DateIndex Date(string param, string start, string end) => new(param, Instant(start), Instant(end));

    public static DateValue DateSearch(SearchPrefix prefix, string start, string end) => new(prefix, Instant(start), Instant(end));

    public static DateTimeOffset Instant(string iso) => DateTimeOffset.Parse(iso + (iso.Contains('T', StringComparison.Ordinal) ? string.Empty : "T00:00:00Z"), System.Globalization.CultureInfo.InvariantCulture);
}
