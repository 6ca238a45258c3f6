using System.Globalization;
using System.Text.RegularExpressions;
using FhirBridge.Core.Errors;
using FhirBridge.Core.Search;
using Hl7.Fhir.Model;

namespace FhirBridge.Core.Population;

/// <summary>
/// The input parameters of a population operation, from the query string or a Parameters body, each name at most once
/// and only the names the operation declares (anything else is a 400 naming the parameter).
/// </summary>
public sealed partial class OperationInput
{
    private static readonly HashSet<string> ResultParameters = new(StringComparer.Ordinal) { "_format", "_pretty" };

    private readonly Dictionary<string, string> _values;
    private readonly string _operation;

    private OperationInput(string operation, Dictionary<string, string> values)
    {
        _operation = operation;
        _values = values;
    }

    /// <summary>Reads <paramref name="query"/> plus, for a POST, the body's parameters (primitive values and references).</summary>
    public static OperationInput Of(
        string operation, IReadOnlyCollection<string> names, IEnumerable<KeyValuePair<string, string>> query, Parameters? body = null)
    {
        var pairs = query.Where(p => !ResultParameters.Contains(p.Key)).ToList();
        foreach (var parameter in body?.Parameter ?? [])
        {
            var text = parameter.Value switch
            {
                ResourceReference reference => reference.Reference,
                PrimitiveType primitive => primitive.ToString(),
                _ => null,
            };
            pairs.Add(new(parameter.Name ?? "", text ?? throw new BadRequestException(
                $"{operation}: parameter '{parameter.Name}' needs a primitive value or a reference.", $"Parameters.parameter.where(name = '{parameter.Name}')")));
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in pairs)
        {
            if (!names.Contains(name))
            {
                throw new BadRequestException($"{operation} has no parameter '{name}' (it takes {string.Join(", ", names)}).", name);
            }

            if (!values.TryAdd(name, value))
            {
                throw new BadRequestException($"{operation}: parameter '{name}' may be given only once.", name);
            }
        }

        return new OperationInput(operation, values);
    }

    public string? Text(string name) => _values.GetValueOrDefault(name);

    public int Integer(string name, int fallback, int min) =>
        Text(name) is not { } text ? fallback
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min ? value
        : throw Invalid(name, $"a whole number of at least {min}", text);

    /// <summary>A calendar date (YYYY-MM-DD).</summary>
    public DateOnly Date(string name, DateOnly fallback) =>
        Text(name) is not { } text ? fallback
        : DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var value) ? value
        : throw Invalid(name, "a date YYYY-MM-DD", text);

    /// <summary>A length of time as a number and a UCUM unit: d, wk, mo or a (e.g. 6mo, 26wk, 180d).</summary>
    public Func<DateOnly, DateOnly> Duration(string name, string fallback)
    {
        var text = Text(name) ?? fallback;
        var match = DurationPattern().Match(text);
        if (!match.Success || !int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count is < 1 or > 1200)
        {
            throw Invalid(name, "a length such as 6mo, 26wk, 180d or 1a (1 to 1200 units)", text);
        }

        return match.Groups[2].Value switch
        {
            "d" => date => date.AddDays(-count),
            "wk" => date => date.AddDays(-7 * count),
            "mo" => date => date.AddMonths(-count),
            _ => date => date.AddYears(-count),
        };
    }

    /// <summary>A literal reference <c>Type/id</c> to a resource of <paramref name="type"/>.</summary>
    public string? Reference(string name, string type)
    {
        if (Text(name) is not { } text)
        {
            return null;
        }

        return ReferenceText.TryParseRelative(text, out var actual, out var id) && actual == type
            ? $"{type}/{id}"
            : throw Invalid(name, $"a reference {type}/[id]", text);
    }

    private BadRequestException Invalid(string name, string what, string text) =>
        new($"{_operation}: parameter '{name}' must be {what}, not '{text}'.", name);

    [GeneratedRegex("^([0-9]+)(d|wk|mo|a)$", RegexOptions.CultureInvariant)]
    private static partial Regex DurationPattern();
}
