using System.Net;
using FhirBridge.Core.Errors;
using FhirBridge.Core.Storage;
using Hl7.Fhir.Model;
using Hl7.Fhir.Utility;

namespace FhirBridge.Core.Operations;

/// <summary>
/// Transaction and batch (https://hl7.org/fhir/R4/http.html#transaction): a transaction runs every entry in one
/// store unit of work, in the spec's order, with urn:uuid/conditional references resolved; a batch runs each entry alone.
/// </summary>
internal sealed class BundleProcessor(IResourceStore store, ResourceOperations resources, QueryOperations queries)
{
    private const string UuidPrefix = "urn:uuid:";

    public Task<Bundle> ProcessAsync(Bundle bundle, RequestContext context, CancellationToken cancellationToken) => bundle.Type switch
    {
        Bundle.BundleType.Transaction => TransactionAsync(bundle, context, cancellationToken),
        Bundle.BundleType.Batch => BatchAsync(bundle, context, cancellationToken),
        _ => throw new BadRequestException($"Bundle.type must be transaction or batch, not '{bundle.Type?.GetLiteral() ?? "missing"}'.", "Bundle.type"),
    };

    private async Task<Bundle> TransactionAsync(Bundle bundle, RequestContext context, CancellationToken cancellationToken)
    {
        var requests = bundle.Entry.Select((entry, index) => AtEntry(index, () => EntryRequest.ParseAuthorized(entry, index, context))).ToList();
        var ordered = Ordered(requests);
        var current = -1;
        try
        {
            var responses = await store.WriteAsync(
                async (session, token) =>
                {
                    var responses = new Bundle.EntryComponent[requests.Count];
                    var scope = new WriteScope(transaction: true);
                    foreach (var request in ordered.Where(r => r.Method == Bundle.HTTPVerb.DELETE))
                    {
                        current = request.Index;
                        responses[current] = await DeleteAsync(session, request, scope, context.BaseUrl, token);
                    }

                    var writes = ordered.Where(r => r.Method is Bundle.HTTPVerb.POST or Bundle.HTTPVerb.PUT).ToList();
                    var targets = new Dictionary<int, Target>();
                    foreach (var request in writes)
                    {
                        current = request.Index;
                        targets[current] = await ResolveAsync(session, request, scope, context, token);
                    }

                    foreach (var request in writes)
                    {
                        current = request.Index;
                        responses[current] = await WriteAsync(session, request, targets[current], scope, context, token);
                    }

                    foreach (var request in ordered.Where(r => r.IsRead))
                    {
                        current = request.Index;
                        responses[current] = await ReadAsync(session, request, context, token);
                    }

                    current = -1;
                    return responses;
                },
                cancellationToken);
            return Response(Bundle.BundleType.TransactionResponse, responses);
        }
        catch (FhirException e) when (current >= 0 && !PointsAt(e, current))
        {
            throw Located(e, current);
        }
    }

    private async Task<Bundle> BatchAsync(Bundle bundle, RequestContext context, CancellationToken cancellationToken)
    {
        var responses = new Bundle.EntryComponent[bundle.Entry.Count];
        var requests = new List<EntryRequest>();
        for (var index = 0; index < bundle.Entry.Count; index++)
        {
            try
            {
                requests.Add(EntryRequest.ParseAuthorized(bundle.Entry[index], index, context));
            }
            catch (FhirException e)
            {
                responses[index] = Failed(e);
            }
        }

        foreach (var request in Ordered(requests))
        {
            try
            {
                responses[request.Index] = request.IsRead
                    ? await store.ReadAsync((session, token) => ReadAsync(session, request, context, token), cancellationToken)
                    : await store.WriteAsync((session, token) => BatchWriteAsync(session, request, context, token), cancellationToken);
            }
            catch (FhirException e)
            {
                responses[request.Index] = Failed(e);
            }
        }

        return Response(Bundle.BundleType.BatchResponse, responses);
    }

    private async Task<Bundle.EntryComponent> BatchWriteAsync(IStoreSession session, EntryRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var scope = new WriteScope(transaction: false);
        if (request.Method == Bundle.HTTPVerb.DELETE)
        {
            return await DeleteAsync(session, request, scope, context.BaseUrl, cancellationToken);
        }

        var target = await ResolveAsync(session, request, scope, context, cancellationToken);
        return await WriteAsync(session, request, target, scope, context, cancellationToken);
    }

    private async Task<Bundle.EntryComponent> DeleteAsync(
        IStoreSession session, EntryRequest request, WriteScope scope, Uri baseUrl, CancellationToken cancellationToken)
    {
        var type = request.Type!;
        var id = request.Kind == EntryKind.Delete
            ? request.Id
            : (await resources.FindAtMostOneAsync(session, type, request.Query, baseUrl, cancellationToken))?.Id;
        var result = id is null ? null : await resources.DeleteAsync(session, type, scope.Claim(type, id), cancellationToken);
        return new Bundle.EntryComponent
        {
            Response = result is null
                ? new Bundle.ResponseComponent { Status = ResourceHttp.StatusLine(HttpStatusCode.NoContent) }
                : BundleBuilder.Response(result.Stored, HttpStatusCode.NoContent),
        };
    }

    /// <summary>Which resource a POST/PUT entry writes (or, for a matched conditional create, leaves alone).</summary>
    private async Task<Target> ResolveAsync(IStoreSession session, EntryRequest request, WriteScope scope, RequestContext context, CancellationToken cancellationToken)
    {
        var type = request.Type!;
        var target = request.Kind switch
        {
            EntryKind.Create when request.IfNoneExist is not null =>
                await resources.FindAtMostOneAsync(session, type, request.IfNoneExist, context.BaseUrl, cancellationToken) is { } match
                    ? new Target(match.Id, match)
                    : new Target(ResourceRules.NewId(), null),
            EntryKind.Create => new Target(ResourceRules.NewId(), null),
            EntryKind.Update => new Target(request.Id!, null),
            _ => new Target(await resources.ConditionalUpdateTargetAsync(session, type, request.Query, request.Resource!, context.BaseUrl, cancellationToken), null),
        };
        if (target.Existing is null)
        {
            scope.Claim(type, target.Id);
        }

        scope.Map(request, $"{type}/{target.Id}");
        return target;
    }

    private async Task<Bundle.EntryComponent> WriteAsync(
        IStoreSession session, EntryRequest request, Target target, WriteScope scope, RequestContext context, CancellationToken cancellationToken)
    {
        var type = request.Type!;
        if (target.Existing is not null)
        {
            var existing = new ResourceResult(target.Existing, ResourceOperations.Parse(target.Existing), Created: false);
            return WriteResponse(existing, HttpStatusCode.OK, location: false, context);
        }

        var resource = await ResolveReferencesAsync(session, request.Resource!, scope, context, cancellationToken);
        var result = request.Kind == EntryKind.Create
            ? await resources.CreateAsync(session, type, resource, ifNoneExist: null, target.Id, context.BaseUrl, cancellationToken)
            : await resources.PutAsync(session, type, target.Id, resource, request.IfMatch, cancellationToken);
        return WriteResponse(result, result.Created ? HttpStatusCode.Created : HttpStatusCode.OK, location: true, context);
    }

    /// <summary>
    /// A copy of the entry's resource with references to other entries' fullUrls and conditional references
    /// replaced by [type]/[id] (https://hl7.org/fhir/R4/bundle.html#references).
    /// </summary>
    private async Task<Resource> ResolveReferencesAsync(
        IStoreSession session, Resource resource, WriteScope scope, RequestContext context, CancellationToken cancellationToken)
    {
        var copy = (Resource)resource.DeepCopy();
        foreach (var reference in References.In(copy))
        {
            var value = reference.Reference;
            if (value is null)
            {
                continue;
            }

            if (scope.TryResolve(value, out var local))
            {
                reference.Reference = local;
            }
            else if (References.IsConditional(value, out var type, out var criteria))
            {
                var match = await resources.FindAtMostOneAsync(session, type, criteria, context.BaseUrl, cancellationToken)
                    ?? throw new PreconditionFailedException($"The conditional reference '{value}' matches no {type}.");
                reference.Reference = $"{type}/{match.Id}";
            }
            else if (scope.Transaction && value.StartsWith(UuidPrefix, StringComparison.Ordinal))
            {
                throw new BadRequestException($"The reference '{value}' matches no entry's fullUrl.");
            }
        }

        return copy;
    }

    private async Task<Bundle.EntryComponent> ReadAsync(IStoreSession session, EntryRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var parameters = UrlQuery.Parse(request.Query);
        StoredResource? stored = null;
        Resource resource;
        switch (request.Kind)
        {
            case EntryKind.Read:
                var read = await resources.ReadAsync(session, request.Type!, request.Id!, request.Version, cancellationToken);
                (stored, resource) = (read.Stored, read.Resource!);
                break;
            case EntryKind.Search:
                resource = (await queries.SearchAsync(session, request.Type!, parameters, context, cancellationToken)).Bundle;
                break;
            default:
                resource = await queries.HistoryAsync(session, request.Type, request.Id, parameters, context, cancellationToken);
                break;
        }

        return new Bundle.EntryComponent
        {
            FullUrl = stored is null ? null : ResourceHttp.FullUrl(context.BaseUrl, stored.Type, stored.Id),
            Resource = request.Method == Bundle.HTTPVerb.HEAD ? null : resource,
            Response = stored is null
                ? new Bundle.ResponseComponent { Status = ResourceHttp.StatusLine(HttpStatusCode.OK) }
                : BundleBuilder.Response(stored, HttpStatusCode.OK),
        };
    }

    private static Bundle.EntryComponent WriteResponse(ResourceResult result, HttpStatusCode status, bool location, RequestContext context)
    {
        var stored = result.Stored;
        var entry = BundleBuilder.Entry(context.BaseUrl, stored, context.Return == ReturnPreference.Representation ? result.Resource : null);
        entry.Response = BundleBuilder.Response(stored, status);
        if (location)
        {
            entry.Response.Location = ResourceHttp.VersionPath(stored.Type, stored.Id, stored.Version);
        }

        if (context.Return == ReturnPreference.OperationOutcome)
        {
            entry.Response.Outcome = new OperationOutcome
            {
                Issue = [FhirException.Issue(OperationOutcome.IssueSeverity.Information, OperationOutcome.IssueType.Informational, $"{entry.Response.Status}: {entry.Response.Location ?? $"{stored.Type}/{stored.Id}"}")],
            };
        }

        return entry;
    }

    private static Bundle.EntryComponent Failed(FhirException e) =>
        new() { Response = new Bundle.ResponseComponent { Status = ResourceHttp.StatusLine(e.Status), Outcome = e.ToOperationOutcome() } };

    private static Bundle Response(Bundle.BundleType type, IEnumerable<Bundle.EntryComponent> entries) =>
        new() { Id = ResourceRules.NewId(), Type = type, Entry = entries.ToList() };

    private static List<EntryRequest> Ordered(IEnumerable<EntryRequest> requests) => requests.OrderBy(r => r.Rank).ThenBy(r => r.Index).ToList();

    private static T AtEntry<T>(int index, Func<T> work)
    {
        try
        {
            return work();
        }
        catch (FhirException e) when (!PointsAt(e, index))
        {
            throw Located(e, index);
        }
    }

    private static bool PointsAt(FhirException e, int index) =>
        e.Issues.All(issue => issue.Expression.Any(x => x?.StartsWith(EntryRequest.Path(index), StringComparison.Ordinal) == true));

    /// <summary>The error of entry <paramref name="index"/> with its issues' expressions pointing at that entry.</summary>
    private static FhirException Located(FhirException e, int index)
    {
        var issues = e.Issues.Select(issue =>
        {
            var copy = (OperationOutcome.IssueComponent)issue.DeepCopy();
            copy.Expression = [EntryRequest.Path(index)];
            return copy;
        }).ToList();
        return new FhirException(e.Status, issues);
    }

    /// <summary>The resource an entry writes: its id, or the existing match of a conditional create.</summary>
    private sealed record Target(string Id, StoredResource? Existing);

    /// <summary>What the entries of one unit of work write: no resource twice, and which fullUrl became which [type]/[id].</summary>
    private sealed class WriteScope(bool transaction)
    {
        private readonly HashSet<string> _written = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string> _fullUrls = new(StringComparer.Ordinal);

        public bool Transaction => transaction;

        public string Claim(string type, string id)
        {
            if (!_written.Add($"{type}/{id}"))
            {
                throw new BadRequestException($"{type}/{id} is written by more than one entry.", code: OperationOutcome.IssueType.BusinessRule);
            }

            return id;
        }

        public void Map(EntryRequest request, string local)
        {
            if (request.FullUrl is not null && !_fullUrls.TryAdd(request.FullUrl, local))
            {
                throw new BadRequestException($"The fullUrl '{request.FullUrl}' is used by more than one entry.", $"{request.Location}.fullUrl");
            }
        }

        public bool TryResolve(string reference, out string local) =>
            _fullUrls.TryGetValue(reference, out local!) && transaction;
    }
}
