using System.Collections.Frozen;
using System.Text;

namespace FhirBridge.Core.Search;

/// <summary>The one normaliser for string search: indexed values and query values both pass through it.</summary>
public static class SearchText
{
    // FHIR string search is case- and accent-insensitive (https://hl7.org/fhir/R4/search.html#string).
    // String.Normalize does not decompose under InvariantGlobalization, so accents are folded from a table
    // (Latin-1 Supplement and Latin Extended-A/B, lower case, plus letters with a stroke).
    private const string Accented = "àáâãäåçèéêëìíîïñòóôõöùúûüýÿāăąćĉċčďēĕėęěĝğġģĥĩīĭįĵķĺļľńņňōŏőŕŗřśŝşšţťũūŭůűųŵŷźżžơưǎǐǒǔǖǘǚǜǟǡǧǩǫǭǰǵǹǻȁȃȅȇȉȋȍȏȑȓȕȗșțȟȧȩȫȭȯȱȳøđłħŧ";
    private const string Plain = "aaaaaaceeeeiiiinooooouuuuyyaaaccccdeeeeegggghiiiijklllnnnooorrrssssttuuuuuuwyzzzouaiouuuuuaagkoojgnaaaeeiioorruusthaeooooyodlht";

    private static readonly FrozenDictionary<char, char> Folds =
        Accented.Zip(Plain).ToFrozenDictionary(p => p.First, p => p.Second);

    /// <summary>Lower-cases <paramref name="text"/> and removes diacritics: "Äijälä" → "aijala".</summary>
    public static string Normalize(string text)
    {
        var lower = text.ToLowerInvariant();
        if (Ascii.IsValid(lower))
        {
            return lower;
        }

        var builder = new StringBuilder(lower.Length);
        foreach (var c in lower)
        {
            if (IsCombiningMark(c))
            {
                continue;
            }

            builder.Append(Folds.TryGetValue(c, out var plain) ? plain : c);
        }

        return builder.ToString();
    }

    private static bool IsCombiningMark(char c) => c is >= '\u0300' and <= '\u036F';
}
