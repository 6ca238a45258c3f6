using FhirBridge.Core.Search;
using FhirBridge.Core.Storage;
using FhirBridge.Core.Validation;
using Hl7.Fhir.Model;

namespace FhirBridge.Core.Operations;

/// <summary>The FHIR R4 interactions over an <see cref="IResourceStore"/>: each request is one store unit of work.</summary>
public sealed class ResourceService : IResourceService
{
    private readonly IResourceStore _store;
    private readonly ResourceOperations _resources;
    private readonly QueryOperations _queries;
    private readonly BundleProcessor _bundles;
    private readonly ConformanceGate _conformance;

    /// <param name="conformance">What writes must conform to; <see cref="ConformanceGate.None"/> when null.</param>
    public ResourceService(
        IResourceStore store, IIndexExtractor extractor, ISearchQueryParser parser, TimeProvider time, PageSizes pageSizes,
        ConformanceGate? conformance = null)
    {
        _store = store;
        _conformance = conformance ?? ConformanceGate.None;
        _resources = new ResourceOperations(parser, extractor, time, _conformance);
        _queries = new QueryOperations(parser, pageSizes);
        _bundles = new BundleProcessor(store, _resources, _queries);
    }

    public Task<ResourceResult> CreateAsync(string type, Resource resource, string? ifNoneExist, CancellationToken cancellationToken) =>
        _store.WriteAsync((session, token) => _resources.CreateAsync(session, type, resource, ifNoneExist, id: null, baseUrl: null, token), cancellationToken);

    public Task<ResourceResult> ReadAsync(string type, string id, int? version, CancellationToken cancellationToken) =>
        _store.ReadAsync((session, token) => _resources.ReadAsync(session, type, id, version, token), cancellationToken);

    public Task<ResourceResult> UpdateAsync(string type, string id, Resource resource, int? ifMatchVersion, CancellationToken cancellationToken) =>
        _store.WriteAsync((session, token) => _resources.UpdateAsync(session, type, id, resource, ifMatchVersion, token), cancellationToken);

    public Task<ResourceResult> ConditionalUpdateAsync(
        string type, string criteria, Resource resource, int? ifMatchVersion, CancellationToken cancellationToken) =>
        _store.WriteAsync(
            (session, token) => _resources.ConditionalUpdateAsync(session, type, criteria, resource, ifMatchVersion, baseUrl: null, token),
            cancellationToken);

    public Task<ResourceResult?> DeleteAsync(string type, string id, CancellationToken cancellationToken) =>
        _store.WriteAsync((session, token) => _resources.DeleteAsync(session, type, id, token), cancellationToken);

    public Task<SearchResult> SearchAsync(
        string type, IReadOnlyList<KeyValuePair<string, string>> parameters, RequestContext context, CancellationToken cancellationToken) =>
        _store.ReadAsync((session, token) => _queries.SearchAsync(session, type, parameters, context, token), cancellationToken);

    public Task<Bundle> HistoryAsync(
        string? type, string? id, IReadOnlyList<KeyValuePair<string, string>> parameters, RequestContext context, CancellationToken cancellationToken) =>
        _store.ReadAsync((session, token) => _queries.HistoryAsync(session, type, id, parameters, context, token), cancellationToken);

    public Task<Bundle> ProcessBundleAsync(Bundle bundle, RequestContext context, CancellationToken cancellationToken) =>
        _bundles.ProcessAsync(bundle, context, cancellationToken);

    public Task<OperationOutcome> ValidateAsync(string type, Resource resource, string? profileUrl, CancellationToken cancellationToken) =>
        _store.ReadAsync(
            async (session, token) =>
            {
                ResourceRules.EnsureServed(type);
                ResourceRules.EnsureBodyType(type, resource);
                var resolve = await ReferenceTargets.LoadAsync(session, resource, token);
                return profileUrl is null
                    ? _conformance.Validate(resource, _conformance.RequiredProfiles(resource), resolve)
                    : _conformance.Validator.Validate(resource, profileUrl, resolve);
            },
            cancellationToken);
}
