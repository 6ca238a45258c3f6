using FhirBridge.Core.Errors;
using FhirBridge.Core.Search;
using FhirBridge.Core.Storage;
using FhirBridge.Core.Security;
using FhirBridge.Core.Validation;
using FhirBridge.Core.Workflow;
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
    /// <param name="workflow">The joint-client workflow's settings: with them every write applies the plan rules and
    /// <see cref="Workflow"/> is available; without them neither (plain FHIR storage).</param>
    /// <param name="policy">The access policy whose consent evaluation the workflow reuses (a default one when null).</param>
    public ResourceService(
        IResourceStore store, IIndexExtractor extractor, ISearchQueryParser parser, TimeProvider time, PageSizes pageSizes,
        ConformanceGate? conformance = null, WorkflowSettings? workflow = null, AccessPolicy? policy = null)
    {
        _store = store;
        _conformance = conformance ?? ConformanceGate.None;
        _resources = new ResourceOperations(parser, extractor, time, _conformance, workflow is null ? null : new PlanRules(workflow, time));
        _queries = new QueryOperations(parser, pageSizes);
        _bundles = new BundleProcessor(store, _resources, _queries);
        Workflow = workflow is null
            ? null
            : new JointClientWorkflow(store, _resources, _queries, parser, policy ?? new AccessPolicy(parser, new AccessPolicyOptions(Time: time)), time);
    }

    /// <summary>The joint-client lifecycle operations over the same store; null when constructed without workflow settings.</summary>
    public JointClientWorkflow? Workflow { get; }

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

    public async Task<OperationOutcome> ValidateAsync(string type, ValidationRequest request, CancellationToken cancellationToken)
    {
        ResourceRules.EnsureServed(type);
        if (request.Mode == ValidationMode.Delete)
        {
            // No rule of this server forbids a delete; the spec's delete mode asks only that.
            return Outcome(OperationOutcome.IssueSeverity.Information, OperationOutcome.IssueType.Informational, $"{type} may be deleted.");
        }

        var resource = request.Resource ?? throw new BadRequestException("$validate needs the resource to validate.");
        ResourceRules.EnsureBodyType(type, resource);
        var outcome = await _store.ReadAsync(
            async (guarded, token) =>
            {
                var session = guarded.ForInternalLookups();
                var resolve = await ReferenceTargets.LoadAsync(session, resource, token);
                return request.Profile is null
                    ? _conformance.Validate(resource, await _conformance.RequiredProfilesAsync(resource, _resources.LinkSearch(session), token), resolve)
                    : _conformance.Validator.Validate(resource, request.Profile, resolve);
            },
            cancellationToken);
        if (request.Mode == ValidationMode.Update && string.IsNullOrEmpty(resource.Id))
        {
            // https://hl7.org/fhir/R4/http.html#update: an update needs the id in the body.
            outcome.Issue.Insert(0, FhirException.Issue(OperationOutcome.IssueSeverity.Error, OperationOutcome.IssueType.Required, "An update needs the resource id.", "id"));
        }

        return outcome;
    }

    private static OperationOutcome Outcome(OperationOutcome.IssueSeverity severity, OperationOutcome.IssueType code, string message) =>
        new() { Issue = [FhirException.Issue(severity, code, message)] };
}
