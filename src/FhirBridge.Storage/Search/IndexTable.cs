using FhirBridge.Core.Errors;
using FhirBridge.Core.Search;
using Hl7.Fhir.Model;

namespace FhirBridge.Storage.Search;

/// <summary>One index table per <see cref="IndexEntry"/> kind: its name and value columns (besides rid and param).</summary>
internal sealed record IndexTable(string Name, IReadOnlyList<string> Columns)
{
    public static readonly IndexTable Token = new("idx_token", ["system", "code"]);
    public static readonly IndexTable String = new("idx_string", ["normalized", "exact"]);
    public static readonly IndexTable Date = new("idx_date", ["start_ticks", "end_ticks"]);
    public static readonly IndexTable Reference = new("idx_reference", ["target_type", "target_id", "url", "identifier_system", "identifier_value"]);
    public static readonly IndexTable Quantity = new("idx_quantity", ["value", "system", "code", "unit"]);
    public static readonly IndexTable Uri = new("idx_uri", ["value"]);
    public static readonly IndexTable Number = new("idx_number", ["value"]);

    public static readonly IReadOnlyList<IndexTable> All = [Token, String, Date, Reference, Quantity, Uri, Number];

    public static IndexTable For(SearchParameterInfo parameter) => parameter.Type switch
    {
        SearchParamType.Token => Token,
        SearchParamType.String => String,
        SearchParamType.Date => Date,
        SearchParamType.Reference => Reference,
        SearchParamType.Quantity => Quantity,
        SearchParamType.Uri => Uri,
        SearchParamType.Number => Number,
        _ => throw new BadRequestException($"Search parameter '{parameter.Name}' of type {parameter.Type} is not supported.", code: OperationOutcome.IssueType.NotSupported),
    };

    /// <summary>The table and column values that store <paramref name="entry"/>.</summary>
    public static (IndexTable Table, object?[] Values) RowOf(IndexEntry entry) => entry switch
    {
        TokenIndex t => (Token, [t.System, t.Code]),
        StringIndex s => (String, [s.Normalized, s.Exact]),
        DateIndex d => (Date, [d.Start.UtcTicks, d.End.UtcTicks]),
        ReferenceIndex r => (Reference, [r.TargetType, r.TargetId, r.Url, r.IdentifierSystem, r.IdentifierValue]),
        QuantityIndex q => (Quantity, [(double)q.Value, q.System, q.Code, q.Unit]),
        UriIndex u => (Uri, [u.Value]),
        NumberIndex n => (Number, [(double)n.Value]),
        _ => throw new ArgumentException($"Unknown index entry {entry.GetType().Name}.", nameof(entry)),
    };
}
