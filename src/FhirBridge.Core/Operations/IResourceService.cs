using FhirBridge.Core.Storage;
using Hl7.Fhir.Model;

namespace FhirBridge.Core.Operations;

/// <summary>
/// The FHIR interactions, free of HTTP: what the server's endpoints call. Every failure is a
/// <see cref="Errors.FhirException"/> carrying its status and OperationOutcome issues.
/// </summary>
public interface IResourceService
{
    /// <summary>create, or conditional create when <paramref name="ifNoneExist"/> (a query string such as "identifier=a|b") is set.</summary>
    Task<ResourceResult> CreateAsync(string type, Resource resource, string? ifNoneExist, CancellationToken cancellationToken);

    /// <summary>read (version null) or vread. Deleted → <see cref="Errors.ResourceGoneException"/>; unknown → 404.</summary>
    Task<ResourceResult> ReadAsync(string type, string id, int? version, CancellationToken cancellationToken);

    /// <summary>update / update-as-create; <paramref name="ifMatchVersion"/> enforces optimistic locking (412 on mismatch).</summary>
    Task<ResourceResult> UpdateAsync(string type, string id, Resource resource, int? ifMatchVersion, CancellationToken cancellationToken);

    /// <summary>conditional update (PUT [type]?search): 0 matches → create, 1 → update it, more → 412.</summary>
    Task<ResourceResult> ConditionalUpdateAsync(string type, string criteria, Resource resource, int? ifMatchVersion, CancellationToken cancellationToken);

    /// <summary>delete: keeps history; deleting an unknown or deleted resource is a 204 without effect.</summary>
    Task<ResourceResult?> DeleteAsync(string type, string id, CancellationToken cancellationToken);

    /// <summary>search: a searchset Bundle with self/next/previous links built on <see cref="RequestContext.BaseUrl"/>.</summary>
    Task<SearchResult> SearchAsync(string type, IReadOnlyList<KeyValuePair<string, string>> parameters, RequestContext context, CancellationToken cancellationToken);

    /// <summary>history at instance (type and id), type (id null) or system (both null) level: a history Bundle.</summary>
    Task<Bundle> HistoryAsync(string? type, string? id, IReadOnlyList<KeyValuePair<string, string>> parameters, RequestContext context, CancellationToken cancellationToken);

    /// <summary>A transaction (atomic) or batch Bundle posted to the base; returns the response Bundle.</summary>
    Task<Bundle> ProcessBundleAsync(Bundle bundle, RequestContext context, CancellationToken cancellationToken);

    /// <summary>
    /// $validate (https://hl7.org/fhir/R4/resource-operation-validate.html): the outcome of validating against the
    /// request's profile, or else against everything a write would require; invalid is an outcome, not an error.
    /// </summary>
    Task<OperationOutcome> ValidateAsync(string type, ValidationRequest request, CancellationToken cancellationToken);
}

/// <summary>What the service knows about the request that HTTP carries.</summary>
/// <param name="BaseUrl">The FHIR base as the client sees it, e.g. http://localhost:8080/fhir (no trailing slash).</param>
/// <param name="StrictHandling">Prefer: handling=strict — unknown/malformed search parameters are a 400 instead of a warning.</param>
/// <param name="Return">Prefer: return=… — what a transaction/batch response entry carries for a write.</param>
/// <param name="Authorize">Checks the caller's scopes and role for each transaction/batch entry's type (throws 403); null: no caller.</param>
public sealed record RequestContext(
    Uri BaseUrl, bool StrictHandling, ReturnPreference Return = ReturnPreference.Representation, Action<string, Security.ScopeAction>? Authorize = null);

/// <summary>Prefer: return (https://hl7.org/fhir/R4/http.html#ops): the body a write answers with.</summary>
public enum ReturnPreference
{
    Representation,
    Minimal,
    OperationOutcome,
}

/// <summary>The result of an interaction on one resource.</summary>
/// <param name="Stored">The version created, read, updated or deleted (drives ETag, Last-Modified, Location).</param>
/// <param name="Resource">The resource body (null for a delete marker).</param>
/// <param name="Created">True when a new resource came into being (201).</param>
public sealed record ResourceResult(StoredResource Stored, Resource? Resource, bool Created);

/// <summary>A searchset Bundle plus the issues that went into its OperationOutcome entry (unknown parameters etc.).</summary>
public sealed record SearchResult(Bundle Bundle, IReadOnlyList<OperationOutcome.IssueComponent> Warnings);
