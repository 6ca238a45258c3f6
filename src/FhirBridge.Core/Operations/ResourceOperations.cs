using System.Globalization;
using FhirBridge.Core.Errors;
using FhirBridge.Core.Fhir;
using FhirBridge.Core.Search;
using FhirBridge.Core.Storage;
using FhirBridge.Core.Validation;
using Hl7.Fhir.Model;

namespace FhirBridge.Core.Operations;

/// <summary>
/// The interactions on one resource, evaluated inside a caller's store session so that single requests and
/// every entry of a transaction share one implementation.
/// </summary>
internal sealed class ResourceOperations(
    ISearchQueryParser parser, IIndexExtractor extractor, TimeProvider time, ConformanceGate conformance, IWriteRules? rules = null)
{
    /// <summary>create with the given (or a new) id; conditional create when <paramref name="ifNoneExist"/> is set.</summary>
    public async Task<ResourceResult> CreateAsync(
        IStoreSession session, string type, Resource resource, string? ifNoneExist, string? id, Uri? baseUrl, CancellationToken cancellationToken)
    {
        ResourceRules.EnsureServed(type);
        ResourceRules.EnsureBodyType(type, resource);
        if (ifNoneExist is not null)
        {
            var match = await FindAtMostOneAsync(session, type, ifNoneExist, baseUrl, cancellationToken);
            if (match is not null)
            {
                return new ResourceResult(match, Parse(match), Created: false);
            }
        }

        // https://hl7.org/fhir/R4/http.html#create: an id in the body is ignored.
        return await SaveAsync(session, type, id ?? ResourceRules.NewId(), resource, 1, HistoryMethod.Post, created: true, cancellationToken);
    }

    public async Task<ResourceResult> ReadAsync(IStoreSession session, string type, string id, int? version, CancellationToken cancellationToken)
    {
        ResourceRules.EnsureServed(type);
        ResourceRules.EnsureId(id);
        var stored = await session.GetAsync(type, id, version, cancellationToken)
            ?? throw new ResourceNotFoundException(version is null ? $"{type}/{id} is not known." : $"{type}/{id} has no version {version}.");
        if (stored.Deleted)
        {
            throw new ResourceGoneException($"{type}/{id} was deleted (version {stored.Version}).");
        }

        return new ResourceResult(stored, Parse(stored), Created: false);
    }

    /// <summary>update or update-as-create of [type]/[id]; the body's id must equal <paramref name="id"/>.</summary>
    public Task<ResourceResult> UpdateAsync(
        IStoreSession session, string type, string id, Resource resource, int? ifMatchVersion, CancellationToken cancellationToken)
    {
        ResourceRules.EnsureServed(type);
        ResourceRules.EnsureId(id);
        ResourceRules.EnsureBodyType(type, resource);
        ResourceRules.EnsureBodyId(id, resource);
        return PutAsync(session, type, id, resource, ifMatchVersion, cancellationToken);
    }

    /// <summary>https://hl7.org/fhir/R4/http.html#cond-update: 0 matches → create, 1 → update it, more → 412.</summary>
    public async Task<ResourceResult> ConditionalUpdateAsync(
        IStoreSession session, string type, string criteria, Resource resource, int? ifMatchVersion, Uri? baseUrl, CancellationToken cancellationToken)
    {
        ResourceRules.EnsureServed(type);
        ResourceRules.EnsureBodyType(type, resource);
        var id = await ConditionalUpdateTargetAsync(session, type, criteria, resource, baseUrl, cancellationToken);
        return await PutAsync(session, type, id, resource, ifMatchVersion, cancellationToken);
    }

    /// <summary>The id a conditional update writes: the single match's, else the body's, else a new one.</summary>
    public async Task<string> ConditionalUpdateTargetAsync(
        IStoreSession session, string type, string criteria, Resource resource, Uri? baseUrl, CancellationToken cancellationToken)
    {
        var match = await FindAtMostOneAsync(session, type, criteria, baseUrl, cancellationToken);
        var bodyId = string.IsNullOrEmpty(resource.Id) ? null : resource.Id;
        if (match is null)
        {
            if (bodyId is not null)
            {
                ResourceRules.EnsureId(bodyId);
            }

            return bodyId ?? ResourceRules.NewId();
        }

        if (bodyId is not null && bodyId != match.Id)
        {
            throw new BadRequestException($"The body's id '{bodyId}' differs from the id '{match.Id}' of the resource matching '{criteria}'.", "id");
        }

        return match.Id;
    }

    /// <summary>Writes the next version of [type]/[id] (version 1 when absent); Created when absent or deleted before.</summary>
    public async Task<ResourceResult> PutAsync(
        IStoreSession session, string type, string id, Resource resource, int? ifMatchVersion, CancellationToken cancellationToken)
    {
        var current = await session.GetAsync(type, id, null, cancellationToken);
        if (ifMatchVersion is not null && current?.Version != ifMatchVersion)
        {
            throw new PreconditionFailedException(current is null
                ? $"If-Match version {ifMatchVersion} given but {type}/{id} does not exist."
                : $"If-Match version {ifMatchVersion} does not match the current version {current.Version} of {type}/{id}.");
        }

        var created = current is null || current.Deleted;
        return await SaveAsync(session, type, id, resource, (current?.Version ?? 0) + 1, HistoryMethod.Put, created, cancellationToken);
    }

    /// <summary>Adds a delete marker; null (no effect) when the resource is unknown or already deleted.</summary>
    public async Task<ResourceResult?> DeleteAsync(IStoreSession session, string type, string id, CancellationToken cancellationToken)
    {
        ResourceRules.EnsureServed(type);
        ResourceRules.EnsureId(id);
        var current = await session.GetAsync(type, id, null, cancellationToken);
        if (current is null || current.Deleted)
        {
            return null;
        }

        var write = new ResourceWrite(type, id, current.Version + 1, Now(), HistoryMethod.Delete, null, []);
        await session.SaveAsync(write, cancellationToken);
        return new ResourceResult(ToStored(write), null, Created: false);
    }

    /// <summary>
    /// The single current resource matching <paramref name="criteria"/> (a query string), null when none;
    /// more than one is a 412 (https://hl7.org/fhir/R4/http.html#cond-update).
    /// </summary>
    public async Task<StoredResource?> FindAtMostOneAsync(
        IStoreSession session, string type, string criteria, Uri? baseUrl, CancellationToken cancellationToken)
    {
        ResourceRules.EnsureServed(type);

        // A condition is parsed strictly: silently dropping an unknown parameter would widen the match.
        var parsed = parser.Parse(type, UrlQuery.Parse(criteria), strict: true, baseUrl);
        if (parsed.Query.Criteria.Count == 0)
        {
            throw new BadRequestException($"The condition '{criteria}' has no search criteria.");
        }

        var page = await FirstMatchesAsync(session, parsed.Query, 2, cancellationToken);
        return page.Matches.Count switch
        {
            0 => null,
            1 => page.Matches[0],
            _ => throw new PreconditionFailedException($"The condition '{criteria}' matches more than one {type}."),
        };
    }

    /// <summary>The gate's <see cref="LinkSearch"/> in <paramref name="session"/>: whether a current resource matches the search.</summary>
    public LinkSearch LinkSearch(IStoreSession session) =>
        async (type, query, cancellationToken) =>
        {
            var parsed = parser.Parse(type, UrlQuery.Parse(query), strict: true, baseUrl: null);
            return (await FirstMatchesAsync(session, parsed.Query, 1, cancellationToken)).Matches.Count > 0;
        };

    public static Resource Parse(StoredResource stored) =>
        FhirSerializer.ParseJson(stored.Json ?? throw new InvalidOperationException($"{stored.Type}/{stored.Id} version {stored.Version} has no content."));

    private async Task<ResourceResult> SaveAsync(
        IStoreSession session, string type, string id, Resource resource, int version, HistoryMethod method, bool created, CancellationToken cancellationToken)
    {
        // The store may re-run the unit of work: never touch the caller's instance.
        var copy = (Resource)resource.DeepCopy();
        var now = Now();
        copy.Id = id;
        copy.Meta ??= new Meta();
        copy.Meta.VersionId = version.ToString(CultureInfo.InvariantCulture);
        copy.Meta.LastUpdated = now;
        var following = rules is null ? [] : await rules.ApplyAsync(session.ForInternalLookups(), copy, cancellationToken);
        await EnsureConformsAsync(session, copy, cancellationToken);
        var write = new ResourceWrite(type, id, version, now, method, FhirSerializer.ToJson(copy), extractor.Extract(copy));
        await session.SaveAsync(write, cancellationToken);
        foreach (var next in following)
        {
            await (next.Id is null
                ? CreateAsync(session, next.Resource.TypeName, next.Resource, ifNoneExist: null, id: null, baseUrl: null, cancellationToken)
                : PutAsync(session, next.Resource.TypeName, next.Id, next.Resource, ifMatchVersion: null, cancellationToken));
        }

        return new ResourceResult(ToStored(write), copy, created);
    }

    // Only resources claiming a loaded profile or matching a must-conform rule are validated: the rest are stored as before.
    private async System.Threading.Tasks.Task EnsureConformsAsync(IStoreSession session, Resource resource, CancellationToken cancellationToken)
    {
        // The lookups only decide whether the write conforms; nothing of them reaches the caller.
        var lookups = session.ForInternalLookups();
        var profiles = await conformance.RequiredProfilesAsync(resource, LinkSearch(lookups), cancellationToken);
        if (profiles.Count > 0)
        {
            conformance.EnsureConforms(resource, profiles, await ReferenceTargets.LoadAsync(lookups, resource, cancellationToken));
        }
    }

    private static Task<SearchPage> FirstMatchesAsync(IStoreSession session, SearchQuery query, int count, CancellationToken cancellationToken) =>
        session.SearchAsync(
            query with { Count = count, Sort = [], Total = TotalMode.None, Includes = [], RevIncludes = [], PageToken = null }, cancellationToken);

    // meta.lastUpdated is serialized to the millisecond; the stored timestamp must be the same instant.
    private DateTimeOffset Now() => DateTimeOffset.FromUnixTimeMilliseconds(time.GetUtcNow().ToUnixTimeMilliseconds());

    private static StoredResource ToStored(ResourceWrite write) =>
        new(write.Type, write.Id, write.Version, write.LastUpdated, write.Method == HistoryMethod.Delete, write.Json, write.Method);
}
