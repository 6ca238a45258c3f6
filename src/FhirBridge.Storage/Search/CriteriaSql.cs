using FhirBridge.Core.Errors;
using FhirBridge.Core.Search;
using FhirBridge.Storage.Sql;
using Hl7.Fhir.Model;

namespace FhirBridge.Storage.Search;

/// <summary>
/// Translates the search AST into SQL predicates on a <c>resource</c> row alias. Every value is a parameter.
/// Matching rules: https://hl7.org/fhir/R4/search.html (prefixes in #prefix, modifiers in #modifiers).
/// </summary>
internal sealed class CriteriaSql(SqlText sql, DateTimeOffset now)
{
    private const string Never = "1 = 0";
    private const string Always = "1 = 1";

    private int _aliases;

    private readonly HashSet<string> _driven = new(StringComparer.Ordinal);

    /// <summary>Appends <c>alias.type = @type AND NOT alias.deleted</c> and every criterion, ANDed.</summary>
    public void AppendMatch(string resourceType, IEnumerable<SearchCriterion> criteria, string alias)
    {
        sql.Append(alias).Append(".type = ").AppendParam(resourceType).Append(" AND NOT ").Append(alias).Append(".deleted");
        foreach (var criterion in criteria)
        {
            sql.Append(" AND ");
            Append(criterion, alias);
        }
    }

    /// <summary>How a sort key's values are typed in SQL.</summary>
    public static SortValueKind SortKind(SortKey key) => key.Parameter.Name switch
    {
        ResourceColumns.Id => SortValueKind.Text,
        ResourceColumns.LastUpdated => SortValueKind.Integer,
        _ => key.Parameter.Type switch
        {
            SearchParamType.Date => SortValueKind.Integer,
            SearchParamType.Number or SearchParamType.Quantity => SortValueKind.Real,
            _ => SortValueKind.Text,
        },
    };

    /// <summary>The expression sorting resources of <paramref name="alias"/> by <paramref name="key"/>: min of the values ascending, max descending.</summary>
    public string SortExpression(SortKey key, string alias)
    {
        switch (key.Parameter.Name)
        {
            case ResourceColumns.Id:
                return alias + ".id";
            case ResourceColumns.LastUpdated:
                return alias + ".last_updated";
        }

        var table = IndexTable.For(key.Parameter);
        var i = NextAlias("s");
        // "+ 0" and "|| ''" keep SQLite from answering MIN/MAX by walking the (param, value) index until it meets this
        // resource's row — once per resource, a quadratic search (36 s instead of 0.1 s over 22 000 encounters); with them
        // it looks the row up by (rid, param). PostgreSQL plans both alike.
        var value = key.Parameter.Type switch
        {
            SearchParamType.Token => $"{i}.code || ''",
            SearchParamType.String => $"{i}.normalized || ''",
            SearchParamType.Date => key.Descending ? $"{i}.end_ticks + 0" : $"{i}.start_ticks + 0",
            SearchParamType.Reference => $"COALESCE({i}.target_type || '/' || {i}.target_id, {i}.url)",
            _ => $"{i}.value + 0",
        };
        return $"(SELECT {(key.Descending ? "MAX" : "MIN")}({value}) FROM {table.Name} {i} WHERE {i}.rid = {alias}.rid AND {i}.param = {sql.Param(key.Parameter.Name)})";
    }

    private void Append(SearchCriterion criterion, string alias)
    {
        switch (criterion)
        {
            case ParameterCriterion parameter:
                AppendParameter(parameter, alias);
                break;
            case ChainCriterion chain:
                AppendChain(chain, alias);
                break;
            case HasCriterion has:
                AppendHas(has, alias);
                break;
            default:
                throw new ArgumentException($"Unknown criterion {criterion.GetType().Name}.", nameof(criterion));
        }
    }

    private string NextAlias(string prefix) => prefix + ++_aliases;

    /// <summary>
    /// The rid column of <paramref name="alias"/> for an "IN (subquery)" criterion: plain for the first one, "+rid" for the
    /// others. SQLite would otherwise drive the search from every IN list at once (rid = ? AND rowid = ?), probing their
    /// cross product: date=ge&amp;date=le over 22 000 encounters took 45 s instead of 0.1 s. The later lists filter instead.
    /// </summary>
    private string Rid(string alias) => _driven.Add(alias) ? $"{alias}.rid" : $"+{alias}.rid";

    private void AppendChain(ChainCriterion chain, string alias)
    {
        var x = NextAlias("c");
        var t = NextAlias("t");
        sql.Append($"{Rid(alias)} IN (SELECT {x}.rid FROM idx_reference {x} JOIN resource {t} ON {t}.type = {x}.target_type AND {t}.id = {x}.target_id")
            .Append($" WHERE {x}.param = ").AppendParam(chain.Reference.Name)
            .Append($" AND {x}.target_type = ").AppendParam(chain.TargetType)
            .Append($" AND NOT {t}.deleted AND ");
        AppendParameter(chain.Target, t);
        sql.Append(")");
    }

    private void AppendHas(HasCriterion has, string alias)
    {
        var x = NextAlias("h");
        var s = NextAlias("r");
        sql.Append($"EXISTS (SELECT 1 FROM idx_reference {x} JOIN resource {s} ON {s}.rid = {x}.rid")
            .Append($" WHERE {x}.target_id = {alias}.id AND {x}.target_type = {alias}.type AND {x}.param = ").AppendParam(has.Reference.Name)
            .Append($" AND {s}.type = ").AppendParam(has.SourceType)
            .Append($" AND NOT {s}.deleted AND ");
        AppendParameter(has.Source, s);
        sql.Append(")");
    }

    // "rid IN (SELECT rid FROM idx_... WHERE param/value)" rather than a correlated EXISTS: SQLite then drives the
    // search from the value index instead of probing it once per resource of the type (PostgreSQL plans both alike).
    private void AppendParameter(ParameterCriterion criterion, string alias)
    {
        if (criterion.Modifier == SearchModifier.Missing)
        {
            AppendMissing(criterion, alias);
            return;
        }

        if (criterion.Modifier == SearchModifier.Not)
        {
            sql.Append("NOT ");
        }

        if (ResourceColumns.Is(criterion.Parameter.Name))
        {
            AppendValues(criterion, value => AppendResourceColumnValue(criterion.Parameter, value, alias));
            return;
        }

        var table = IndexTable.For(criterion.Parameter);
        var i = NextAlias("i");
        var rid = criterion.Modifier == SearchModifier.Not ? alias + ".rid" : Rid(alias);
        sql.Append($"{rid} IN (SELECT {i}.rid FROM {table.Name} {i} WHERE {i}.param = ").AppendParam(criterion.Parameter.Name).Append(" AND ");
        AppendValues(criterion, value => AppendIndexValue(criterion, table, value, i));
        sql.Append(")");
    }

    private void AppendMissing(ParameterCriterion criterion, string alias)
    {
        if (criterion.Values is not [MissingValue { Missing: var missing }])
        {
            throw new BadRequestException($":missing on '{criterion.Parameter.Name}' takes exactly one value, true or false.");
        }

        if (ResourceColumns.Is(criterion.Parameter.Name))
        {
            sql.Append(missing ? Never : Always);
            return;
        }

        var table = IndexTable.For(criterion.Parameter);
        var i = NextAlias("i");
        sql.Append(missing ? "NOT " : string.Empty)
            .Append($"{(missing ? alias + ".rid" : Rid(alias))} IN (SELECT {i}.rid FROM {table.Name} {i} WHERE {i}.param = ").AppendParam(criterion.Parameter.Name).Append(")");
    }

    private void AppendValues(ParameterCriterion criterion, Action<SearchValue> appendOne)
    {
        if (criterion.Values.Count == 0)
        {
            sql.Append(Never);
            return;
        }

        sql.Append("(");
        for (var v = 0; v < criterion.Values.Count; v++)
        {
            sql.Append(v == 0 ? "(" : " OR (");
            appendOne(criterion.Values[v]);
            sql.Append(")");
        }

        sql.Append(")");
    }

    private void AppendResourceColumnValue(SearchParameterInfo parameter, SearchValue value, string alias)
    {
        switch (parameter.Name, value)
        {
            case (ResourceColumns.Id, TokenValue { Code: { } code }):
                sql.Append(alias).Append(".id = ").AppendParam(code);
                break;
            case (ResourceColumns.LastUpdated, DateValue date):
                // last_updated is an instant: the one-tick range [t, t + 1).
                AppendDate(date, alias + ".last_updated", $"({alias}.last_updated + 1)");
                break;
            default:
                throw Mismatch(parameter, value);
        }
    }

    private void AppendIndexValue(ParameterCriterion criterion, IndexTable table, SearchValue value, string i)
    {
        switch (value)
        {
            case TokenValue token when table == IndexTable.Token:
                AppendToken(token, $"{i}.system", $"{i}.code");
                break;
            case TokenValue token when table == IndexTable.Reference && criterion.Modifier == SearchModifier.Identifier:
                AppendToken(token, $"{i}.identifier_system", $"{i}.identifier_value");
                break;
            case StringValue text when table == IndexTable.String:
                AppendString(text, criterion.Modifier, i);
                break;
            case DateValue date when table == IndexTable.Date:
                AppendDate(date, $"{i}.start_ticks", $"{i}.end_ticks");
                break;
            case ReferenceValue reference when table == IndexTable.Reference:
                AppendReference(reference, i);
                break;
            case QuantityValue quantity when table == IndexTable.Quantity:
                AppendQuantity(quantity, i);
                break;
            case UriValue uri when table == IndexTable.Uri:
                sql.Append($"{i}.value = ").AppendParam(uri.Value);
                break;
            case NumberValue number when table == IndexTable.Number:
                AppendNumber(number.Prefix, number.Value, $"{i}.value");
                break;
            default:
                throw Mismatch(criterion.Parameter, value);
        }
    }

    private static BadRequestException Mismatch(SearchParameterInfo parameter, SearchValue value) =>
        new($"A {value.GetType().Name} cannot be searched on the {parameter.Type} parameter '{parameter.Name}'.");

    /// <summary>System null = any system; "" = no system; Code null = any code in the system.</summary>
    private void AppendToken(TokenValue token, string systemColumn, string codeColumn)
    {
        var parts = new List<Action>();
        if (token.Code is not null)
        {
            parts.Add(() => sql.Append(codeColumn).Append(" = ").AppendParam(token.Code));
        }

        if (token.System is "")
        {
            parts.Add(() => sql.Append(systemColumn).Append(" IS NULL"));
        }
        else if (token.System is not null)
        {
            parts.Add(() => sql.Append(systemColumn).Append(" = ").AppendParam(token.System));
        }

        AppendAll(parts);
    }

    private void AppendString(StringValue text, SearchModifier modifier, string i)
    {
        if (modifier == SearchModifier.Exact)
        {
            sql.Append($"{i}.exact = ").AppendParam(text.Value);
            return;
        }

        var escaped = LikePattern.Escape(SearchText.Normalize(text.Value));
        var pattern = modifier == SearchModifier.Contains ? "%" + escaped + "%" : escaped + "%";
        sql.Append($"{i}.normalized LIKE ").AppendParam(pattern).Append(" ESCAPE '\\'");
    }

    private void AppendReference(ReferenceValue reference, string i)
    {
        if (reference.Url is not null)
        {
            sql.Append($"{i}.url = ").AppendParam(reference.Url);
        }
        else if (reference.Id is null)
        {
            sql.Append(Never);
        }
        else
        {
            sql.Append($"{i}.target_id = ").AppendParam(reference.Id);
            if (reference.Type is not null)
            {
                sql.Append($" AND {i}.target_type = ").AppendParam(reference.Type);
            }
        }
    }

    private void AppendQuantity(QuantityValue quantity, string i)
    {
        AppendNumber(quantity.Prefix, quantity.Value, $"{i}.value");
        if (quantity.System is not null)
        {
            sql.Append($" AND {i}.system = ").AppendParam(quantity.System);
        }

        if (quantity.Code is not null)
        {
            // Without a system the code may also be the human unit (e.g. "mg").
            var code = sql.Param(quantity.Code);
            sql.Append(quantity.System is null ? $" AND ({i}.code = {code} OR {i}.unit = {code})" : $" AND {i}.code = {code}");
        }
    }

    /// <summary>Numbers are points; eq/ne use the range the search value's precision implies (100 = [99.5, 100.5)).</summary>
    private void AppendNumber(SearchPrefix prefix, decimal value, string column)
    {
        var half = 0.5m / Pow10(value.Scale);
        var (low, high) = prefix == SearchPrefix.Ap && value != 0 ? (value - (Math.Abs(value) / 10), value + (Math.Abs(value) / 10)) : (value - half, value + half);
        switch (prefix)
        {
            case SearchPrefix.Eq or SearchPrefix.Ap:
                sql.Append($"{column} >= ").AppendParam((double)low).Append($" AND {column} < ").AppendParam((double)high);
                break;
            case SearchPrefix.Ne:
                sql.Append($"({column} < ").AppendParam((double)low).Append($" OR {column} >= ").AppendParam((double)high).Append(")");
                break;
            default:
                sql.Append(column).Append(prefix switch
                {
                    SearchPrefix.Gt or SearchPrefix.Sa => " > ",
                    SearchPrefix.Lt or SearchPrefix.Eb => " < ",
                    SearchPrefix.Ge => " >= ",
                    _ => " <= ",
                }).AppendParam((double)value);
                break;
        }
    }

    /// <summary>Target [S, E) against search [s, e), both half-open: https://hl7.org/fhir/R4/search.html#prefix.</summary>
    private void AppendDate(DateValue date, string start, string end)
    {
        var s = date.Start.UtcTicks;
        var e = date.End.UtcTicks;
        void Contained() => sql.Append($"{start} >= ").AppendParam(s).Append($" AND {end} <= ").AppendParam(e);
        switch (date.Prefix)
        {
            case SearchPrefix.Eq:
                Contained();
                break;
            case SearchPrefix.Ne:
                sql.Append("NOT (");
                Contained();
                sql.Append(")");
                break;
            case SearchPrefix.Gt:
                sql.Append($"{end} > ").AppendParam(e);
                break;
            case SearchPrefix.Lt:
                sql.Append($"{start} < ").AppendParam(s);
                break;
            case SearchPrefix.Ge:
                sql.Append($"{end} > ").AppendParam(e).Append(" OR (");
                Contained();
                sql.Append(")");
                break;
            case SearchPrefix.Le:
                sql.Append($"{start} < ").AppendParam(s).Append(" OR (");
                Contained();
                sql.Append(")");
                break;
            case SearchPrefix.Sa:
                sql.Append($"{start} >= ").AppendParam(e);
                break;
            case SearchPrefix.Eb:
                sql.Append($"{end} <= ").AppendParam(s);
                break;
            case SearchPrefix.Ap:
                // Approximately: widen the search range by 10 % of its distance from now, then test overlap.
                var margin = Math.Abs((now.UtcTicks - s) / 10);
                sql.Append($"{start} < ").AppendParam(Math.Min(e + margin, DateTimeOffset.MaxValue.UtcTicks))
                    .Append($" AND {end} > ").AppendParam(Math.Max(s - margin, 0));
                break;
        }
    }

    private void AppendAll(List<Action> parts)
    {
        if (parts.Count == 0)
        {
            sql.Append(Always);
            return;
        }

        for (var p = 0; p < parts.Count; p++)
        {
            sql.Append(p == 0 ? string.Empty : " AND ");
            parts[p]();
        }
    }

    private static decimal Pow10(int exponent)
    {
        var result = 1m;
        for (var k = 0; k < exponent; k++)
        {
            result *= 10;
        }

        return result;
    }
}

/// <summary>Search parameters answered from the resource row itself rather than an index table.</summary>
internal static class ResourceColumns
{
    public const string Id = "_id";
    public const string LastUpdated = "_lastUpdated";

    public static bool Is(string name) => name is Id or LastUpdated;
}
