using System.Text.RegularExpressions;
using Hl7.Fhir.Model;

namespace FhirBridge.Core.Fhir;

/// <summary>
/// Object identifiers as Finnish identifiers carry them (organisations, code systems): bare ("1.2.246.10.12345678") or as
/// a URN ("urn:oid:1.2.246.10.12345678"). FhirBridge keeps them bare.
/// </summary>
public static partial class Oids
{
    public const string UrnPrefix = "urn:oid:";

    /// <summary><paramref name="text"/> without a leading "urn:oid:" (URN schemes are case-insensitive); not checked further.</summary>
    public static string Bare(string text) =>
        text.StartsWith(UrnPrefix, StringComparison.OrdinalIgnoreCase) ? text[UrnPrefix.Length..] : text;

    /// <summary>The bare OID of <paramref name="text"/> (trimmed, "urn:oid:" stripped), or null when it is not an OID.</summary>
    public static string? Normalize(string? text)
    {
        var oid = Bare(text?.Trim() ?? "");
        return Pattern().IsMatch(oid) ? oid : null;
    }

    /// <summary>The OID an organisation identifier carries: system urn:oid:X without a value, or a value urn:oid:X / X.</summary>
    public static string? Of(Identifier identifier)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        if (!string.IsNullOrEmpty(identifier.Value))
        {
            return Bare(identifier.Value);
        }

        return identifier.System?.StartsWith(UrnPrefix, StringComparison.OrdinalIgnoreCase) == true ? identifier.System[UrnPrefix.Length..] : null;
    }

    [GeneratedRegex(@"^[0-2](\.(0|[1-9][0-9]*))+$")]
    private static partial Regex Pattern();
}
