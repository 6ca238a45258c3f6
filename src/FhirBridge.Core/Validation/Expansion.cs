namespace FhirBridge.Core.Validation;

/// <summary>
/// The codes of an expanded ValueSet. Systems it includes whole but that are not loaded are "open": any code of them
/// is accepted, since it cannot be checked here.
/// </summary>
internal sealed class Expansion
{
    public HashSet<(string System, string Code)> Codes { get; } = [];

    public HashSet<string> OpenSystems { get; } = new(StringComparer.Ordinal);

    /// <summary>Why the value set could not be expanded at all (not loaded, circular); null when it was.</summary>
    public string? Problem { get; set; }

    /// <summary>Whether a code (with its system, or a bare <c>code</c> value without one) is in the value set.</summary>
    public bool Contains(string? system, string code) => system is null
        ? OpenSystems.Count > 0 || Codes.Any(c => c.Code == code)
        : OpenSystems.Contains(system) || Codes.Contains((system, code));

    /// <summary>Up to a few of the allowed codes, for diagnostics.</summary>
    public string Sample(int count = 10)
    {
        var sample = string.Join(", ", Codes.Take(count).Select(c => $"{c.System}|{c.Code}").Concat(OpenSystems.Select(s => $"{s}|*")));
        return Codes.Count > count ? $"{sample}, ..." : sample;
    }

    public void UnionWith(Expansion other)
    {
        Problem ??= other.Problem;
        Codes.UnionWith(other.Codes);
        OpenSystems.UnionWith(other.OpenSystems);
    }

    public void IntersectWith(Expansion other)
    {
        Problem ??= other.Problem;
        Codes.RemoveWhere(c => !other.Contains(c.System, c.Code));
        OpenSystems.IntersectWith(other.OpenSystems);
    }

    public void ExceptWith(Expansion other)
    {
        Codes.ExceptWith(other.Codes);
        Codes.RemoveWhere(c => other.OpenSystems.Contains(c.System));
        OpenSystems.ExceptWith(other.OpenSystems);
    }
}
