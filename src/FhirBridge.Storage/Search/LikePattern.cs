namespace FhirBridge.Storage.Search;

/// <summary>Builds LIKE patterns from user text (used with <c>ESCAPE '\'</c>).</summary>
internal static class LikePattern
{
    /// <summary>Escapes LIKE wildcards so the text matches literally.</summary>
    public static string Escape(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
}
