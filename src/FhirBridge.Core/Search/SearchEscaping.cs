using System.Text;

namespace FhirBridge.Core.Search;

/// <summary>Search value escaping: <c>\,</c> <c>\|</c> <c>\$</c> <c>\\</c> stand for the literal characters (https://hl7.org/fhir/R4/search.html#escaping).</summary>
internal static class SearchEscaping
{
    /// <summary>Splits on every <paramref name="separator"/> not preceded by a backslash; the pieces stay escaped.</summary>
    public static List<string> Split(string text, char separator)
    {
        var pieces = new List<string>();
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\')
            {
                i++;
            }
            else if (text[i] == separator)
            {
                pieces.Add(text[start..i]);
                start = i + 1;
            }
        }

        pieces.Add(text[start..]);
        return pieces;
    }

    /// <summary>Escapes the characters that separate search values (https://hl7.org/fhir/R4/search.html#escaping).</summary>
    public static string Escape(string value) =>
        value.Replace(@"\", @"\\", StringComparison.Ordinal).Replace(",", @"\,", StringComparison.Ordinal)
            .Replace("$", @"\$", StringComparison.Ordinal).Replace("|", @"\|", StringComparison.Ordinal);

    /// <summary>Replaces the escape sequences by the characters they stand for; other backslashes stay.</summary>
    public static string Unescape(string text)
    {
        if (!text.Contains('\\'))
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\' && i + 1 < text.Length && text[i + 1] is ',' or '|' or '$' or '\\')
            {
                i++;
            }

            builder.Append(text[i]);
        }

        return builder.ToString();
    }
}
