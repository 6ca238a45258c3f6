namespace FhirBridge.Core.Search;

/// <summary>Narrows an R4 multi-resource FHIRPath union to the branches about one resource type.</summary>
internal static class FhirPathBranches
{
    /// <summary>
    /// "AllergyIntolerance.patient | CarePlan.subject.where(resolve() is Patient)" for CarePlan →
    /// "CarePlan.subject.where(resolve() is Patient)". Unions with no branch starting with the type are returned unchanged.
    /// </summary>
    public static string ForType(string expression, string resourceType)
    {
        var own = SplitTopLevelUnion(expression)
            .Where(b => b.TrimStart('(').StartsWith(resourceType + ".", StringComparison.Ordinal))
            .ToList();
        return own.Count > 0 ? string.Join(" | ", own) : expression;
    }

    /// <summary>The branches of a top-level union "a | b | (c | d)" → "a", "b", "(c | d)".</summary>
    public static IEnumerable<string> SplitTopLevelUnion(string expression)
    {
        var depth = 0;
        var quoted = false;
        var start = 0;
        for (var i = 0; i < expression.Length; i++)
        {
            var c = expression[i];
            if (quoted)
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == '\'')
                {
                    quoted = false;
                }

                continue;
            }

            switch (c)
            {
                case '\'':
                    quoted = true;
                    break;
                case '(' or '[':
                    depth++;
                    break;
                case ')' or ']':
                    depth--;
                    break;
                case '|' when depth == 0:
                    yield return expression[start..i].Trim();
                    start = i + 1;
                    break;
            }
        }

        yield return expression[start..].Trim();
    }
}
