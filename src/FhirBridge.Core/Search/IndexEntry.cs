namespace FhirBridge.Core.Search;

/// <summary>One value of one search parameter of a resource, extracted at write time (FHIRPath) and stored in an index table.</summary>
public abstract record IndexEntry(string Param);

/// <summary>Token value (Coding, CodeableConcept, Identifier, code, boolean, id, ContactPoint). Null system = none given.</summary>
public sealed record TokenIndex(string Param, string? System, string? Code) : IndexEntry(Param);

/// <summary>String value; <see cref="Normalized"/> is lower-cased without diacritics (for the default and :contains matches), <see cref="Exact"/> as written.</summary>
public sealed record StringIndex(string Param, string Normalized, string Exact) : IndexEntry(Param);

/// <summary>Date/period value as the half-open UTC range [Start, End) its precision implies (e.g. 2024 → [2024-01-01, 2025-01-01)). Open ends use Min/MaxValue.</summary>
public sealed record DateIndex(string Param, DateTimeOffset Start, DateTimeOffset End) : IndexEntry(Param);

/// <summary>
/// Reference value. Local/relative references set TargetType + TargetId (absolute URLs on this server's base too);
/// other absolute URLs and canonicals set Url. Version-specific references drop the version.
/// A logical reference (Reference.identifier) sets IdentifierSystem/IdentifierValue, for the :identifier modifier.
/// </summary>
public sealed record ReferenceIndex(
    string Param,
    string? TargetType,
    string? TargetId,
    string? Url,
    string? IdentifierSystem = null,
    string? IdentifierValue = null) : IndexEntry(Param);

/// <summary>Quantity value with its system and code (and unit text as a code fallback).</summary>
public sealed record QuantityIndex(string Param, decimal Value, string? System, string? Code, string? Unit) : IndexEntry(Param);

/// <summary>URI/URL/canonical value, as written.</summary>
public sealed record UriIndex(string Param, string Value) : IndexEntry(Param);

/// <summary>Number value.</summary>
public sealed record NumberIndex(string Param, decimal Value) : IndexEntry(Param);
