using FhirBridge.Core.Audit;
using FhirBridge.Core.Errors;
using FhirBridge.Core.Search;
using FhirBridge.Core.Storage;

namespace FhirBridge.Core.Security;

/// <summary>A store session that releases and writes only client data the caller has a lawful basis for.</summary>
internal sealed class GuardedSession(IStoreSession inner, AccessPolicy policy, AccessTrail trail) : IGuardedSession
{
    public IStoreSession Unguarded => inner;

    private Caller Caller => trail.Caller;

    public async Task<StoredResource?> GetAsync(string type, string id, int? version, CancellationToken cancellationToken)
    {
        var stored = await inner.GetAsync(type, id, version, cancellationToken);
        if (stored?.Json is not null)
        {
            Record(stored, DataAccessKind.Read, await RequireAsync(stored, DataAccessKind.Read, cancellationToken));
        }

        return stored;
    }

    public async Task<SearchPage> SearchAsync(SearchQuery query, CancellationToken cancellationToken)
    {
        var type = query.ResourceType;
        var filter = PatientCompartment.IsClientData(type) ? await policy.VisiblePatientsAsync(inner, Caller, type, cancellationToken) : null;
        if (filter is { IsUnrestricted: false })
        {
            if (filter.Patients.Count == 0)
            {
                return new SearchPage([], [], query.Total == TotalMode.None ? null : 0, null, null);
            }

            // Restricting the query itself keeps paging and _total about visible resources only.
            query = query with { Criteria = [.. query.Criteria, policy.PatientCriterion(type, filter.Patients.Keys)] };
        }

        var page = await inner.SearchAsync(query, cancellationToken);
        var matches = await ReleasedAsync(page.Matches, filter, cancellationToken);
        var included = await ReleasedAsync(page.Included, null, cancellationToken);
        return page with { Matches = matches, Included = included };
    }

    public async Task<HistoryPage> HistoryAsync(HistoryQuery query, CancellationToken cancellationToken)
    {
        var page = await inner.HistoryAsync(query, cancellationToken);
        if (query.Id is not null)
        {
            foreach (var entry in page.Entries.Where(e => e.Json is not null))
            {
                Record(entry, DataAccessKind.Read, await RequireAsync(entry, DataAccessKind.Read, cancellationToken));
            }

            return page;
        }

        var released = new List<StoredResource>();
        foreach (var entry in page.Entries)
        {
            var patients = await PatientsAsync(entry, cancellationToken);
            if (await BasesAsync(entry.Type, patients, cancellationToken) is { } bases)
            {
                Record(entry, DataAccessKind.Read, (patients, bases));
                released.Add(entry);
            }
        }

        // A count over everything would tell how many hidden versions exist.
        return page with { Entries = released, Total = policy.IsUnrestricted(Caller) ? page.Total : null };
    }

    public async Task SaveAsync(ResourceWrite write, CancellationToken cancellationToken)
    {
        // Version 1 is a new resource (a re-created one continues its history): nothing was there before it.
        var previous = write.Version == 1 ? null : await inner.GetAsync(write.Type, write.Id, null, cancellationToken);
        var existed = previous is { Deleted: false, Json: not null };
        var kind = write.Method == HistoryMethod.Delete ? DataAccessKind.Delete : existed ? DataAccessKind.Update : DataAccessKind.Create;
        (IReadOnlyList<string>, IReadOnlyList<LegalBasis?>) before = existed ? await RequireAsync(previous!, kind, cancellationToken) : ([], []);
        await inner.SaveAsync(write, cancellationToken);
        // The write may create the very care team, episode or consent that gives the basis: look again.
        policy.Forget(inner);
        var stored = new StoredResource(write.Type, write.Id, write.Version, write.LastUpdated, write.Json is null, write.Json, write.Method);
        if (write.Json is null)
        {
            Record(stored, kind, before);
        }
        else if (write.Type == "Patient" && !existed)
        {
            Record(stored, kind, ([write.Id], [NewClientBasis() ?? throw Denied(write.Type, write.Id, write.Id, kind)]));
        }
        else
        {
            // A write may end the writer's own relationship (ending a clientship, handing over responsibility): the basis
            // held for the version it replaces still covers the same client.
            Record(stored, kind, await RequireAsync(stored, kind, cancellationToken, before));
        }
    }

    public Task AppendAuditAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken) =>
        inner.AppendAuditAsync(entries, cancellationToken);

    public Task AppendOutboxAsync(IReadOnlyList<Outbox.OutboxEntry> entries, CancellationToken cancellationToken) =>
        inner.AppendOutboxAsync(entries, cancellationToken);

    // A new client has no data yet: whoever may create client data may register one.
    private LegalBasis? NewClientBasis() => Caller.Role switch
    {
        CallerRole.SystemIntegration => new LegalBasis(LegalBasis.StatutoryTaskCode),
        _ when Caller.Role.IsClinical() => new LegalBasis(LegalBasis.ClientRelationshipCode),
        _ => null,
    };

    /// <summary>The resources the caller may see; <paramref name="filter"/>, when restricted, already holds the basis of each visible patient.</summary>
    private async Task<List<StoredResource>> ReleasedAsync(IReadOnlyList<StoredResource> resources, PatientFilter? filter, CancellationToken cancellationToken)
    {
        var released = new List<StoredResource>();
        foreach (var resource in resources)
        {
            var patients = await PatientsAsync(resource, cancellationToken);
            var known = filter is { IsUnrestricted: false } ? patients.Select(filter.BasisFor).ToList() : null;
            var bases = known is not null && known.All(b => b is not null) ? known : await BasesAsync(resource.Type, patients, cancellationToken);
            if (bases is not null)
            {
                Record(resource, DataAccessKind.Read, (patients, bases));
                released.Add(resource);
            }
        }

        return released;
    }

    /// <summary>The patients of <paramref name="stored"/> and the caller's basis for each; when one is missing, records the refusal and throws 403.</summary>
    private async Task<(IReadOnlyList<string> Patients, IReadOnlyList<LegalBasis?> Bases)> RequireAsync(
        StoredResource stored, DataAccessKind kind, CancellationToken cancellationToken,
        (IReadOnlyList<string> Patients, IReadOnlyList<LegalBasis?> Bases) heldBefore = default)
    {
        var patients = PatientCompartment.PatientsOf(stored.Type, stored.Json!);
        var bases = new List<LegalBasis?>();
        foreach (var patient in patients)
        {
            var basis = await policy.BasisAsync(inner, Caller, patient, stored.Type, cancellationToken) ?? HeldBefore(heldBefore, patient);
            bases.Add(basis ?? throw Denied(stored.Type, stored.Id, patient, kind));
        }

        return (patients, bases);
    }

    private static LegalBasis? HeldBefore((IReadOnlyList<string> Patients, IReadOnlyList<LegalBasis?> Bases) held, string patient)
    {
        for (var i = 0; i < (held.Patients?.Count ?? 0); i++)
        {
            if (held.Patients![i] == patient)
            {
                return held.Bases[i];
            }
        }

        return null;
    }

    private ForbiddenException Denied(string type, string id, string patientId, DataAccessKind kind)
    {
        trail.Deny(new DeniedAccess(type, id, patientId, kind));
        var what = PatientCompartment.DataClass(type) is { } dataClass ? $"{type} ({dataClass} data)" : type;
        return new ForbiddenException(
            $"No lawful basis to access Patient/{patientId}'s data: no active care relationship, no consent covering {what} for your organisation, and no break-glass reason.");
    }

    /// <summary>The basis for each patient, or null when any of them is hidden.</summary>
    private async Task<IReadOnlyList<LegalBasis?>?> BasesAsync(string type, IReadOnlyList<string> patients, CancellationToken cancellationToken)
    {
        var bases = new List<LegalBasis?>();
        foreach (var patient in patients)
        {
            if (await policy.BasisAsync(inner, Caller, patient, type, cancellationToken) is not { } basis)
            {
                return null;
            }

            bases.Add(basis);
        }

        return bases;
    }

    // A delete marker has no content: whose it was is in the version before it.
    private async Task<IReadOnlyList<string>> PatientsAsync(StoredResource stored, CancellationToken cancellationToken)
    {
        if (stored.Json is not null)
        {
            return PatientCompartment.PatientsOf(stored.Type, stored.Json);
        }

        if (!PatientCompartment.IsClientData(stored.Type) || stored.Version <= 1)
        {
            return [];
        }

        var before = await inner.GetAsync(stored.Type, stored.Id, stored.Version - 1, cancellationToken);
        return before?.Json is null ? [] : PatientCompartment.PatientsOf(before.Type, before.Json);
    }

    private void Record(StoredResource stored, DataAccessKind kind, (IReadOnlyList<string> Patients, IReadOnlyList<LegalBasis?> Bases) whose)
    {
        if (whose.Patients.Count == 0)
        {
            trail.Record(new DataAccess(stored.Type, stored.Id, stored.Version, null, null, kind));
            return;
        }

        for (var i = 0; i < whose.Patients.Count; i++)
        {
            trail.Record(new DataAccess(stored.Type, stored.Id, stored.Version, whose.Patients[i], whose.Bases[i], kind));
        }
    }
}
