using System.Globalization;
using System.Net;
using FhirBridge.Bridge.ConnectedSystems;
using FhirBridge.Core.Errors;
using FhirBridge.Core.Fhir;
using FhirBridge.Core.Operations;
using FhirBridge.Core.Search;
using FhirBridge.Core.Storage;
using Hl7.Fhir.Model;
using IssueSeverity = Hl7.Fhir.Model.OperationOutcome.IssueSeverity;
using IssueType = Hl7.Fhir.Model.OperationOutcome.IssueType;
using Task = System.Threading.Tasks.Task;

namespace FhirBridge.Bridge.StatutoryPlans;

/// <summary>Settings of the statutory-plan sync (configuration section <c>Bridge:StatutoryPlanSync</c>).</summary>
public sealed class StatutoryPlanSyncOptions
{
    public const string Section = "Bridge:StatutoryPlanSync";

    /// <summary>How often the scheduled sync runs over every active multidisciplinary plan; zero (the default) turns it off.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.Zero;

    /// <summary>The limit of each request to a connected system.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The page size asked of a connected system (its next links are followed).</summary>
    public int PageSize { get; set; } = 50;
}

/// <summary>
/// <c>CarePlan/[id]/$sync-statutory-plans</c>: fetches the plan's client's statutory plans from every connected system,
/// stores each as a StatutoryPlanReference (one per document OID: created, updated when it changed, else left alone) and
/// links the missing ones in <c>CarePlan.supportingInfo</c>. All reads and writes go through <paramref name="service"/>'s
/// guarded store as the caller; the writes are one transaction, and a lost race re-reads and tries again.
/// </summary>
public sealed class StatutoryPlanSync(
    IResourceStore store, ConnectedSystemDirectory directory, StatutoryPlanFetcher fetcher, StatutoryPlanMapper mapper, StatutoryPlanSyncOptions options)
{
    // Each lost race means another writer's change is now there to be seen: a few attempts settle any number of parallel syncs.
    private const int Attempts = 5;

    /// <summary>Syncs the plan <paramref name="carePlanId"/> as the caller of <paramref name="service"/>.</summary>
    /// <param name="context">The caller's request: its base URL and its per-type scope check, applied to every write.</param>
    /// <exception cref="FhirException">404/410/403 for the plan or client; 422 when the client has no personal identity code;
    /// 503 when every connected system failed.</exception>
    public async Task<StatutoryPlanSyncReport> SyncAsync(IResourceService service, string carePlanId, RequestContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(context);
        // The sync reads what it wrote back from the transaction's response, whatever the caller's Prefer header says.
        context = context with { StrictHandling = true, Return = ReturnPreference.Representation };
        var (patientId, hetu) = await ClientOfAsync(service, await ReadPlanAsync(service, carePlanId, cancellationToken), cancellationToken);

        // The registrations are the bridge's configuration, not client data: read as the server, like the ConceptMaps.
        var systems = await store.ReadAsync((session, token) => directory.LoadAsync(session, token), cancellationToken);
        var issues = systems.Unusable.Select(u => FhirException.Issue(IssueSeverity.Information, IssueType.NotSupported, $"Not a usable connected system: {u}")).ToList();
        var fetched = await Task.WhenAll(systems.Systems.Select(s => FetchAsync(s, hetu, cancellationToken)));
        var failed = fetched.Where(f => f.Failure is not null).ToList();
        issues.AddRange(failed.Select(f => FhirException.Issue(IssueSeverity.Error, IssueType.Transient,
            $"{f.System.Name} (Endpoint/{f.System.EndpointId}) failed; its statutory plans were not synced: {f.Failure}")));
        if (failed.Count > 0 && failed.Count == fetched.Length)
        {
            throw new FhirException(HttpStatusCode.ServiceUnavailable, issues);
        }

        var plans = new List<(ConnectedSystem System, DocumentReference Source, MappedPlan Mapped)>();
        foreach (var (system, source) in fetched.SelectMany(f => f.Documents.Select(d => (f.System, d))))
        {
            var mapped = mapper.Map(system, source, patientId, hetu);
            issues.AddRange(mapped.Issues);
            if (mapped.Reference is not null && plans.Any(p => p.Mapped.Reference is not null && p.Mapped.DocumentOid == mapped.DocumentOid))
            {
                issues.Add(FhirException.Issue(IssueSeverity.Warning, IssueType.Duplicate,
                    $"{system.Name} (Endpoint/{system.EndpointId}) DocumentReference/{source.Id}: the document urn:oid:{mapped.DocumentOid} was already served by another entry; linked once."));
                mapped = mapped with { Reference = null };
            }

            plans.Add((system, source, mapped));
        }

        var stored = await StoreAsync(service, carePlanId, [.. plans.Where(p => p.Mapped.Reference is not null).Select(p => p.Mapped)], context, cancellationToken);
        var results = plans.Select(p => new SyncedPlan(
            p.System, p.Source, p.Mapped.DocumentOid,
            p.Mapped.Reference is null ? SyncOutcome.Skipped : stored.Outcomes[p.Mapped.DocumentOid!].Outcome,
            p.Mapped.Reference is null ? null : stored.Outcomes[p.Mapped.DocumentOid!].Reference)).ToList();
        return new StatutoryPlanSyncReport(stored.CarePlan, stored.LinksAdded, results, [.. failed.Select(f => f.System)], issues);
    }

    private static async Task<CarePlan> ReadPlanAsync(IResourceService service, string carePlanId, CancellationToken cancellationToken) =>
        (CarePlan)(await service.ReadAsync("CarePlan", carePlanId, null, cancellationToken)).Resource!;

    private static async Task<(string PatientId, string Hetu)> ClientOfAsync(IResourceService service, CarePlan plan, CancellationToken cancellationToken)
    {
        if (plan.Subject?.Reference is not { } subject || !ReferenceText.TryParseRelative(subject, out var type, out var patientId) || type != "Patient")
        {
            throw new UnprocessableEntityException($"CarePlan/{plan.Id}: the plan's subject must reference the client's Patient to fetch statutory plans.", "CarePlan.subject");
        }

        var patient = (Patient)(await service.ReadAsync("Patient", patientId, null, cancellationToken)).Resource!;
        return patient.Identifier.FirstOrDefault(i => i.System == StatutoryPlanFetcher.PersonalIdentityCodeSystem && !string.IsNullOrEmpty(i.Value))?.Value is { } hetu
            ? (patientId, hetu)
            : throw new UnprocessableEntityException(
                $"Patient/{patientId} has no personal identity code (identifier {StatutoryPlanFetcher.PersonalIdentityCodeSystem}): the connected systems know the client only by it.",
                "Patient.identifier");
    }

    private async Task<Fetched> FetchAsync(ConnectedSystem system, string hetu, CancellationToken cancellationToken)
    {
        try
        {
            return new Fetched(system, await fetcher.FetchAsync(system, hetu, options.RequestTimeout, options.PageSize, cancellationToken), null);
        }
        catch (StatutoryPlanFetchException e)
        {
            return new Fetched(system, [], e.Message);
        }
    }

    /// <summary>Stores the references and links them in one transaction; re-reads and retries when another writer got there first.</summary>
    private static async Task<Stored> StoreAsync(
        IResourceService service, string carePlanId, IReadOnlyList<MappedPlan> plans, RequestContext context, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StoreOnceAsync(service, carePlanId, plans, context, cancellationToken);
            }
            catch (FhirException e) when (attempt < Attempts && e.Status is HttpStatusCode.PreconditionFailed or HttpStatusCode.Conflict)
            {
                // A concurrent sync or edit changed a reference or the plan since it was read: decide again on what is there now.
            }
        }
    }

    private static async Task<Stored> StoreOnceAsync(
        IResourceService service, string carePlanId, IReadOnlyList<MappedPlan> plans, RequestContext context, CancellationToken cancellationToken)
    {
        var planResult = await service.ReadAsync("CarePlan", carePlanId, null, cancellationToken);
        var plan = (CarePlan)planResult.Resource!;
        var existing = await ExistingAsync(service, plans, context, cancellationToken);
        var outcomes = new Dictionary<string, (SyncOutcome Outcome, string? Reference)>(StringComparer.Ordinal);
        var transaction = new Bundle { Type = Bundle.BundleType.Transaction };
        var pending = new List<(string Oid, SyncOutcome Outcome)>();
        var links = new List<ResourceReference>();
        foreach (var mapped in plans)
        {
            var oid = mapped.DocumentOid!;
            var desired = mapped.Reference!;
            string target;
            if (existing.TryGetValue(oid, out var current))
            {
                target = $"DocumentReference/{current.Id}";
                if (Same(current, desired))
                {
                    outcomes[oid] = (SyncOutcome.Unchanged, $"{target}/_history/{current.Meta!.VersionId}");
                }
                else
                {
                    var update = (DocumentReference)desired.DeepCopy();
                    update.Id = current.Id;
                    transaction.Entry.Add(Entry(ResourceHttp.FullUrl(context.BaseUrl, "DocumentReference", current.Id!), update, Bundle.HTTPVerb.PUT, target,
                        ifMatch: ResourceHttp.ETag(int.Parse(current.Meta!.VersionId!, CultureInfo.InvariantCulture))));
                    pending.Add((oid, SyncOutcome.Updated));
                }
            }
            else
            {
                target = $"urn:uuid:{Guid.NewGuid()}";
                // Conditional inside the transaction: a document another sync stored meanwhile is matched, never duplicated.
                transaction.Entry.Add(Entry(target, desired, Bundle.HTTPVerb.POST, "DocumentReference",
                    ifNoneExist: $"identifier={StatutoryPlanMapper.UriSystem}|{Oids.UrnPrefix}{oid}"));
                pending.Add((oid, SyncOutcome.Created));
            }

            if (!plan.SupportingInfo.Any(r => Points(r, target)))
            {
                links.Add(new ResourceReference(target, desired.Description));
            }
        }

        var planVersion = planResult.Stored.Version;
        if (links.Count > 0)
        {
            var linked = (CarePlan)plan.DeepCopy();
            linked.SupportingInfo.AddRange(links);
            transaction.Entry.Add(Entry(ResourceHttp.FullUrl(context.BaseUrl, "CarePlan", carePlanId), linked, Bundle.HTTPVerb.PUT, $"CarePlan/{carePlanId}",
                ifMatch: ResourceHttp.ETag(planVersion)));
        }

        if (transaction.Entry.Count > 0)
        {
            var response = await service.ProcessBundleAsync(transaction, context, cancellationToken);
            for (var i = 0; i < pending.Count; i++)
            {
                var written = response.Entry[i];
                var (oid, outcome) = pending[i];
                // A conditional create that matched another sync's document wrote nothing (200, not 201).
                var matched = outcome == SyncOutcome.Created && written.Response?.Status?.StartsWith("200", StringComparison.Ordinal) == true;
                outcomes[oid] = (matched ? SyncOutcome.Unchanged : outcome, $"DocumentReference/{written.Resource!.Id}/_history/{written.Resource.Meta!.VersionId}");
            }

            if (links.Count > 0)
            {
                planVersion = int.Parse(response.Entry[^1].Resource!.Meta!.VersionId!, CultureInfo.InvariantCulture);
            }
        }

        return new Stored($"CarePlan/{carePlanId}/_history/{planVersion}", links.Count, outcomes);
    }

    /// <summary>The stored references of the documents, by OID, as the caller sees them.</summary>
    private static async Task<Dictionary<string, DocumentReference>> ExistingAsync(
        IResourceService service, IReadOnlyList<MappedPlan> plans, RequestContext context, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, DocumentReference>(StringComparer.Ordinal);
        foreach (var chunk in plans.Select(p => $"{StatutoryPlanMapper.UriSystem}|{Oids.UrnPrefix}{p.DocumentOid}").Chunk(50))
        {
            foreach (var reference in await SearchPages.AllAsync<DocumentReference>(service, [new("identifier", string.Join(',', chunk)), new("_count", "100")], context, cancellationToken))
            {
                if (reference.MasterIdentifier?.Value is { } value && Oids.Normalize(value) is { } oid)
                {
                    found[oid] = reference;
                }
            }
        }

        return found;
    }

    // What the server adds (id, version, time) is not a change; everything the sync writes is compared.
    private static bool Same(DocumentReference stored, DocumentReference desired)
    {
        var copy = (DocumentReference)stored.DeepCopy();
        copy.Id = null;
        copy.Meta ??= new Meta();
        copy.Meta.VersionId = null;
        copy.Meta.LastUpdated = null;
        return FhirSerializer.ToJson(copy) == FhirSerializer.ToJson(desired);
    }

    private static bool Points(ResourceReference reference, string target) =>
        reference.Reference == target
        || (reference.Reference is { } text && ReferenceText.TryParseRelative(text, out var type, out var id) && $"{type}/{id}" == target);

    private static Bundle.EntryComponent Entry(
        string fullUrl, Resource resource, Bundle.HTTPVerb method, string url, string? ifMatch = null, string? ifNoneExist = null) => new()
        {
            FullUrl = fullUrl,
            Resource = resource,
            Request = new Bundle.RequestComponent { Method = method, Url = url, IfMatch = ifMatch, IfNoneExist = ifNoneExist },
        };

    private sealed record Fetched(ConnectedSystem System, IReadOnlyList<DocumentReference> Documents, string? Failure);

    private sealed record Stored(string CarePlan, int LinksAdded, Dictionary<string, (SyncOutcome Outcome, string? Reference)> Outcomes);
}
