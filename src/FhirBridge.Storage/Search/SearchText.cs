using System.Collections.Frozen;
using System.Text;

namespace FhirBridge.Storage.Search;

/// <summary>
/// The normalized form string searches compare: lower case, Latin diacritics removed. A fixed table rather than
/// Unicode decomposition because the process runs with InvariantGlobalization, where String.Normalize is a no-op.
/// </summary>
internal static class SearchText
{
    private static readonly FrozenDictionary<char, char> Folds = BuildFolds();

    public static string Normalize(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            var lower = char.ToLowerInvariant(c);
            builder.Append(Folds.TryGetValue(lower, out var folded) ? folded : lower);
        }

        return builder.ToString();
    }

    /// <summary>Escapes LIKE wildcards for a pattern used with <c>ESCAPE '\'</c>.</summary>
    public static string EscapeLike(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);

    private static FrozenDictionary<char, char> BuildFolds()
    {
        string[] groups =
        [
            "aàáâãäåāăą", "cçćĉċč", "dďđ", "eèéêëēĕėęě", "gĝğġģ", "hĥħ", "iìíîïĩīĭįı", "jĵ", "kķ", "lĺļľŀł",
            "nñńņňŉ", "oòóôõöøōŏő", "rŕŗř", "sśŝşš", "tţťŧ", "uùúûüũūŭůűų", "wŵ", "yýÿŷ", "zźżž",
        ];
        return groups.SelectMany(g => g[1..].Select(c => KeyValuePair.Create(c, g[0]))).ToFrozenDictionary();
    }
}
