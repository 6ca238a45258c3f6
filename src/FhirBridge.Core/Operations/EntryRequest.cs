using System.Globalization;
using FhirBridge.Core.Errors;
using Hl7.Fhir.Model;

namespace FhirBridge.Core.Operations;

/// <summary>What one transaction/batch entry asks for, validated (https://hl7.org/fhir/R4/bundle.html#transaction).</summary>
internal sealed record EntryRequest(
    int Index,
    Bundle.HTTPVerb Method,
    EntryKind Kind,
    string? Type,
    string? Id,
    int? Version,
    string Query,
    Resource? Resource,
    string? FullUrl,
    string? IfNoneExist,
    int? IfMatch)
{
    public string Location => Path(Index);

    /// <summary>https://hl7.org/fhir/R4/http.html#trules: DELETE, then POST, then PUT/PATCH, then GET/HEAD.</summary>
    public int Rank => Method switch
    {
        Bundle.HTTPVerb.DELETE => 0,
        Bundle.HTTPVerb.POST => 1,
        Bundle.HTTPVerb.PUT or Bundle.HTTPVerb.PATCH => 2,
        _ => 3,
    };

    public bool IsRead => Method is Bundle.HTTPVerb.GET or Bundle.HTTPVerb.HEAD;

    /// <summary>The SMART scope letters the entry needs on its type.</summary>
    public Security.ScopeAction Scope => Kind switch
    {
        EntryKind.Create => Security.ScopeAction.Create,
        EntryKind.Update or EntryKind.ConditionalUpdate => Security.ScopeAction.Update,
        EntryKind.Delete or EntryKind.ConditionalDelete => Security.ScopeAction.Delete,
        EntryKind.Search => Security.ScopeAction.Search,
        _ => Security.ScopeAction.Read,
    };

    /// <summary>Parses the entry and lets <paramref name="context"/> authorize it (scopes and roles per entry type).</summary>
    public static EntryRequest ParseAuthorized(Bundle.EntryComponent? entry, int index, RequestContext context)
    {
        var request = Parse(entry, index, context.BaseUrl);
        if (request.Type is { } type)
        {
            context.Authorize?.Invoke(type, request.Scope);
        }

        return request;
    }

    public static string Path(int index) => string.Create(CultureInfo.InvariantCulture, $"Bundle.entry[{index}]");

    public static EntryRequest Parse(Bundle.EntryComponent? entry, int index, Uri baseUrl)
    {
        var at = Path(index);
        var request = entry?.Request ?? throw new BadRequestException("The entry has no request.", $"{at}.request", OperationOutcome.IssueType.Required);
        var method = request.Method ?? throw new BadRequestException("The entry has no request.method.", $"{at}.request.method", OperationOutcome.IssueType.Required);
        if (string.IsNullOrWhiteSpace(request.Url))
        {
            throw new BadRequestException("The entry has no request.url.", $"{at}.request.url", OperationOutcome.IssueType.Required);
        }

        if (method == Bundle.HTTPVerb.PATCH)
        {
            throw new MethodNotAllowedException($"{at}: PATCH is not supported.");
        }

        var (segments, query) = SplitUrl(request.Url, baseUrl, $"{at}.request.url");
        var ifMatch = request.IfMatch is null
            ? (int?)null
            : ResourceHttp.TryParseETag(request.IfMatch, out var version)
                ? version
                : throw new BadRequestException($"ifMatch '{request.IfMatch}' is not a version ETag such as W/\"1\".", $"{at}.request.ifMatch");
        var (kind, type, id, vid) = Classify(method, segments, query.Length > 0)
            ?? throw new BadRequestException($"{method} {request.Url} is not a supported request in a Bundle.", $"{at}.request.url", OperationOutcome.IssueType.NotSupported);
        if (type is not null)
        {
            ResourceRules.EnsureServed(type);
        }

        if (id is not null)
        {
            ResourceRules.EnsureId(id, $"{at}.request.url");
        }

        var resource = entry.Resource;
        if (kind is EntryKind.Create or EntryKind.Update or EntryKind.ConditionalUpdate)
        {
            if (resource is null)
            {
                throw new BadRequestException($"A {method} entry needs a resource.", $"{at}.resource", OperationOutcome.IssueType.Required);
            }

            ResourceRules.EnsureBodyType(type!, resource, $"{at}.resource");
            if (kind == EntryKind.Update)
            {
                ResourceRules.EnsureBodyId(id!, resource, $"{at}.resource.id");
            }
        }

        return new EntryRequest(index, method, kind, type, id, vid, query, resource, entry.FullUrl, request.IfNoneExist, ifMatch);
    }

    private static (string[] Segments, string Query) SplitUrl(string url, Uri baseUrl, string at)
    {
        var mark = url.IndexOf('?', StringComparison.Ordinal);
        var path = mark < 0 ? url : url[..mark];
        var query = mark < 0 ? "" : url[(mark + 1)..];
        var root = ResourceHttp.Base(baseUrl) + "/";
        if (path.StartsWith(root, StringComparison.Ordinal))
        {
            path = path[root.Length..];
        }
        else if (Uri.TryCreate(path, UriKind.Absolute, out _))
        {
            throw new BadRequestException($"'{url}' is not on this server's base {root}.", at);
        }

        return (path.Split('/', StringSplitOptions.RemoveEmptyEntries), query);
    }

    private static (EntryKind Kind, string? Type, string? Id, int? Version)? Classify(Bundle.HTTPVerb method, string[] s, bool hasQuery) =>
        (method, s.Length, hasQuery) switch
        {
            (Bundle.HTTPVerb.POST, 1, false) => (EntryKind.Create, s[0], null, null),
            (Bundle.HTTPVerb.PUT, 2, false) => (EntryKind.Update, s[0], s[1], null),
            (Bundle.HTTPVerb.PUT, 1, true) => (EntryKind.ConditionalUpdate, s[0], null, null),
            (Bundle.HTTPVerb.DELETE, 2, false) => (EntryKind.Delete, s[0], s[1], null),
            (Bundle.HTTPVerb.DELETE, 1, true) => (EntryKind.ConditionalDelete, s[0], null, null),
            (Bundle.HTTPVerb.GET or Bundle.HTTPVerb.HEAD, _, _) => ClassifyRead(s),
            _ => null,
        };

    private static (EntryKind, string?, string?, int?)? ClassifyRead(string[] s) => s switch
    {
        ["_history"] => (EntryKind.History, null, null, null),
        [var type] => (EntryKind.Search, type, null, null),
        [var type, "_history"] => (EntryKind.History, type, null, null),
        [var type, var id] => (EntryKind.Read, type, id, null),
        [var type, var id, "_history"] => (EntryKind.History, type, id, null),
        [var type, var id, "_history", var v] when int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var version) =>
            (EntryKind.Read, type, id, version),
        _ => null,
    };
}

/// <summary>The interaction an entry's method and URL name.</summary>
internal enum EntryKind
{
    Create,
    Update,
    ConditionalUpdate,
    Delete,
    ConditionalDelete,
    Read,
    Search,
    History,
}
