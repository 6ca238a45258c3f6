namespace FhirBridge.Core.Security;

/// <summary>What a scope lets a caller do with a type: SMART v2 c, r, u, d, s (https://hl7.org/fhir/smart-app-launch/scopes-and-launch-context.html).</summary>
[Flags]
public enum ScopeAction
{
    None = 0,
    Create = 1,
    Read = 2,
    Update = 4,
    Delete = 8,
    Search = 16,
    All = Create | Read | Update | Delete | Search,
}

/// <summary>
/// The granted SMART scopes: v2 (<c>user/CarePlan.rs</c>, <c>system/*.cruds</c>) and v1 (<c>user/*.read</c>, <c>.write</c>, <c>.*</c>).
/// <c>patient/</c> scopes need a launch context FhirBridge does not have, so they grant nothing; unknown scopes are ignored.
/// </summary>
public sealed class ScopeSet
{
    private readonly Dictionary<string, ScopeAction> _byType;

    private ScopeSet(Dictionary<string, ScopeAction> byType, IReadOnlyList<string> granted)
    {
        _byType = byType;
        Granted = granted;
    }

    /// <summary>The scope strings as granted (for logs).</summary>
    public IReadOnlyList<string> Granted { get; }

    public static ScopeSet Parse(string? scope)
    {
        var granted = (scope ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var byType = new Dictionary<string, ScopeAction>(StringComparer.Ordinal);
        foreach (var item in granted)
        {
            if (TryParseOne(item, out var type, out var actions))
            {
                byType[type] = byType.GetValueOrDefault(type) | actions;
            }
        }

        return new ScopeSet(byType, granted);
    }

    /// <summary>True when a <c>user/</c> or <c>system/</c> scope for <paramref name="type"/> or <c>*</c> grants every action asked.</summary>
    public bool Allows(string type, ScopeAction actions) =>
        ((_byType.GetValueOrDefault(type) | _byType.GetValueOrDefault("*")) & actions) == actions;

    private static bool TryParseOne(string scope, out string type, out ScopeAction actions)
    {
        type = "";
        actions = ScopeAction.None;
        var slash = scope.IndexOf('/', StringComparison.Ordinal);
        var dot = scope.LastIndexOf('.');
        if (slash < 0 || dot < slash + 2 || scope[..slash] is not ("user" or "system"))
        {
            return false;
        }

        type = scope[(slash + 1)..dot];
        var permissions = scope[(dot + 1)..];
        // The query part of a v2 scope (e.g. ?category=...) would narrow it; FhirBridge does not honour it, so it grants nothing.
        actions = permissions switch
        {
            "read" => ScopeAction.Read | ScopeAction.Search,
            "write" => ScopeAction.Create | ScopeAction.Update | ScopeAction.Delete,
            "*" => ScopeAction.All,
            _ => V2(permissions),
        };
        return actions != ScopeAction.None;
    }

    private static ScopeAction V2(string permissions)
    {
        const string order = "cruds";
        var result = ScopeAction.None;
        var last = -1;
        foreach (var letter in permissions)
        {
            var index = order.IndexOf(letter, StringComparison.Ordinal);
            if (index <= last)
            {
                return ScopeAction.None; // v2 letters are unique and in c-r-u-d-s order
            }

            last = index;
            result |= (ScopeAction)(1 << index);
        }

        return result;
    }
}
