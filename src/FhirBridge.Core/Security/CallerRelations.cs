using FhirBridge.Core.Audit;
using FhirBridge.Core.Fhir;
using FhirBridge.Core.Search;
using FhirBridge.Core.Storage;
using Hl7.Fhir.Model;

namespace FhirBridge.Core.Security;

/// <summary>
/// One caller's relations to clients as one unit of work sees them: the lookups behind <see cref="AccessPolicy"/>,
/// each done at most once per unit of work (a search must not redo them per resource).
/// </summary>
internal sealed class CallerRelations(AccessPolicy policy, IStoreSession session, Caller caller)
{
    private const int LookupPageSize = 500;

    private readonly Dictionary<string, Task<LegalBasis?>> _care = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Task<IReadOnlyList<Consent>>> _consents = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Task<IReadOnlyDictionary<string, LegalBasis>>> _visible = new(StringComparer.Ordinal);
    private Task<HashSet<string>>? _members;
    private Task<HashSet<string>>? _organizations;

    public Task<LegalBasis?> CareBasisAsync(string patientId, CancellationToken cancellationToken) =>
        Once(_care, patientId, () => FindCareBasisAsync(patientId, cancellationToken));

    public async Task<LegalBasis?> ConsentBasisAsync(string patientId, string? dataClass, CancellationToken cancellationToken)
    {
        var consents = await Once(_consents, patientId, () => ConsentsOfAsync(patientId, cancellationToken));
        return await ConsentBasisAsync(consents, dataClass, cancellationToken);
    }

    /// <summary>Patients visible through care relationships or (not denied) consents covering <paramref name="dataClass"/>.</summary>
    public Task<IReadOnlyDictionary<string, LegalBasis>> VisibleAsync(string? dataClass, CancellationToken cancellationToken) =>
        Once(_visible, dataClass ?? "", () => FindVisibleAsync(dataClass, cancellationToken));

    private async Task<IReadOnlyDictionary<string, LegalBasis>> FindVisibleAsync(string? dataClass, CancellationToken cancellationToken)
    {
        var visible = new Dictionary<string, LegalBasis>(StringComparer.Ordinal);
        var members = await MembersAsync(cancellationToken);
        if (members.Count > 0)
        {
            foreach (var team in await AllAsync<CareTeam>("CareTeam", cancellationToken, ("participant", string.Join(',', members)), ("status", "active")))
            {
                AddCare(visible, team.Subject?.Reference, CareTeamBasis(team, members));
            }

            foreach (var episode in await AllAsync<EpisodeOfCare>(
                "EpisodeOfCare", cancellationToken, ("care-manager", string.Join(',', members)), ("status", "active")))
            {
                AddCare(visible, episode.Patient?.Reference, EpisodeBasis(episode, members));
            }
        }

        var actors = members.Concat((await OrganizationsAsync(cancellationToken)).Select(id => $"Organization/{id}")).ToList();
        var consents = new List<Consent>();
        if (actors.Count > 0)
        {
            consents.AddRange(await AllAsync<Consent>("Consent", cancellationToken, ("actor", string.Join(',', actors)), ("status", "active")));
        }

        consents.AddRange(await AllAsync<Consent>("Consent", cancellationToken, ("actor:identifier", OidTokens()), ("status", "active")));
        var byPatient = consents.DistinctBy(c => c.Id).GroupBy(c => PatientCompartment.PatientId(c.Patient?.Reference)).Where(g => g.Key is not null);
        foreach (var group in byPatient)
        {
            if (!visible.ContainsKey(group.Key!) && await ConsentBasisAsync(group.ToList(), dataClass, cancellationToken) is { } basis)
            {
                visible[group.Key!] = basis;
            }
        }

        return visible;
    }

    private static void AddCare(Dictionary<string, LegalBasis> visible, string? patientReference, LegalBasis? basis)
    {
        if (basis is not null && PatientCompartment.PatientId(patientReference) is { } patientId)
        {
            visible.TryAdd(patientId, basis);
        }
    }

    private async Task<LegalBasis?> FindCareBasisAsync(string patientId, CancellationToken cancellationToken)
    {
        var members = await MembersAsync(cancellationToken);
        if (members.Count == 0)
        {
            return null;
        }

        var patient = $"Patient/{patientId}";
        foreach (var team in await AllAsync<CareTeam>("CareTeam", cancellationToken, ("subject", patient), ("status", "active")))
        {
            if (CareTeamBasis(team, members) is { } basis)
            {
                return basis;
            }
        }

        foreach (var episode in await AllAsync<EpisodeOfCare>("EpisodeOfCare", cancellationToken, ("patient", patient), ("status", "active")))
        {
            if (EpisodeBasis(episode, members) is { } basis)
            {
                return basis;
            }
        }

        return null;
    }

    private LegalBasis? CareTeamBasis(CareTeam team, HashSet<string> members) =>
        team.Status == CareTeam.CareTeamStatus.Active
        && team.Participant.Any(p => ReferenceText.Canonical(p.Member?.Reference) is { } member && members.Contains(member) && Covers(p.Period))
            ? new LegalBasis(LegalBasis.CareRelationshipCode, $"CareTeam/{team.Id}")
            : null;

    private static LegalBasis? EpisodeBasis(EpisodeOfCare episode, HashSet<string> members) =>
        episode.Status == EpisodeOfCare.EpisodeOfCareStatus.Active && ReferenceText.Canonical(episode.CareManager?.Reference) is { } manager && members.Contains(manager)
            ? new LegalBasis(LegalBasis.CareRelationshipCode, $"EpisodeOfCare/{episode.Id}")
            : null;

    private Task<IReadOnlyList<Consent>> ConsentsOfAsync(string patientId, CancellationToken cancellationToken) =>
        AllAsync<Consent>("Consent", cancellationToken, ("patient", $"Patient/{patientId}"), ("status", "active"));

    // A denial wins over a consent (not over a care relationship, which is checked first).
    private async Task<LegalBasis?> ConsentBasisAsync(IReadOnlyList<Consent> consents, string? dataClass, CancellationToken cancellationToken)
    {
        Consent? permit = null;
        foreach (var consent in consents)
        {
            if (!await AppliesAsync(consent, dataClass, cancellationToken))
            {
                continue;
            }

            if (consent.Provision?.Type == Consent.ConsentProvisionType.Deny)
            {
                return null;
            }

            permit ??= consent.Provision?.Type == Consent.ConsentProvisionType.Permit ? consent : null;
        }

        return permit is null ? null : new LegalBasis(LegalBasis.ConsentCode, $"Consent/{permit.Id}");
    }

    private async Task<bool> AppliesAsync(Consent consent, string? dataClass, CancellationToken cancellationToken)
    {
        if (consent.Status != Consent.ConsentState.Active || consent.Provision is not { } provision || !Covers(provision.Period))
        {
            return false;
        }

        var classes = provision.Class.Where(c => c.System == PatientCompartment.DataClassSystem).ToList();
        if (dataClass is not null && provision.Class.Count > 0 && !classes.Any(c => c.Code == dataClass))
        {
            return false;
        }

        // A consent that lists purposes covers only those: the caller's stated purpose (or the default) must be one.
        if (provision.Purpose.Count > 0 && !provision.Purpose.Any(ServesPurpose))
        {
            return false;
        }

        foreach (var actor in provision.Actor)
        {
            if (await NamesCallerAsync(actor.Reference, cancellationToken))
            {
                return true;
            }
        }

        return false;
    }

    private bool ServesPurpose(Coding purpose)
    {
        var stated = caller.PurposeOfUse ?? policy.Options.DefaultPurposeOfUse;
        var bar = stated.IndexOf('|', StringComparison.Ordinal);
        return bar < 0
            ? purpose.Code == stated
            : purpose.System == stated[..bar] && purpose.Code == stated[(bar + 1)..];
    }

    private async Task<bool> NamesCallerAsync(ResourceReference? actor, CancellationToken cancellationToken)
    {
        if (actor is null)
        {
            return false;
        }

        if (actor.Identifier is { } identifier && Oids.Of(identifier) == caller.Organization)
        {
            return true;
        }

        var target = ReferenceText.Canonical(actor.Reference);
        return target is not null
            && ((await MembersAsync(cancellationToken)).Contains(target)
                || (target.StartsWith("Organization/", StringComparison.Ordinal)
                    && (await OrganizationsAsync(cancellationToken)).Contains(target["Organization/".Length..])));
    }

    /// <summary>"Practitioner/x" and "PractitionerRole/y" references of the caller's user identifier.</summary>
    private Task<HashSet<string>> MembersAsync(CancellationToken cancellationToken) => _members ??= FindMembersAsync(cancellationToken);

    private async Task<HashSet<string>> FindMembersAsync(CancellationToken cancellationToken)
    {
        var members = new HashSet<string>(StringComparer.Ordinal);
        if (caller.User is not { } user || user.IndexOf('|', StringComparison.Ordinal) is var bar && bar < 0)
        {
            return members;
        }

        var identifier = $"{user[..bar]}|{SearchEscaping.Escape(user[(bar + 1)..])}";
        var practitioners = await AllStoredAsync("Practitioner", cancellationToken, ("identifier", identifier));
        members.UnionWith(practitioners.Select(p => $"Practitioner/{p.Id}"));
        if (members.Count > 0)
        {
            var roles = await AllStoredAsync("PractitionerRole", cancellationToken, ("practitioner", string.Join(',', members)));
            members.UnionWith(roles.Select(r => $"PractitionerRole/{r.Id}"));
        }

        return members;
    }

    /// <summary>Ids of the Organization resources that carry the caller's organisation OID.</summary>
    public Task<HashSet<string>> OrganizationsAsync(CancellationToken cancellationToken) => _organizations ??= FindOrganizationsAsync(cancellationToken);

    private async Task<HashSet<string>> FindOrganizationsAsync(CancellationToken cancellationToken)
    {
        var organizations = await AllAsync<Organization>("Organization", cancellationToken, ("identifier", OidTokens()));
        return organizations
            .Where(o => o.Identifier.Any(i => Oids.Of(i) == caller.Organization))
            .Select(o => o.Id!)
            .ToHashSet(StringComparer.Ordinal);
    }

    // The forms Oids.Of reads: system urn:oid:X without a value, or a value urn:oid:X or X.
    private string OidTokens()
    {
        var oid = SearchEscaping.Escape(caller.Organization);
        return $"{Oids.UrnPrefix}{oid}|,{SearchEscaping.Escape(Oids.UrnPrefix)}{oid},{oid}";
    }

    private bool Covers(Period? period) => FhirDateRange.Covers(period, policy.Now);

    private async Task<IReadOnlyList<T>> AllAsync<T>(string type, CancellationToken cancellationToken, params (string, string)[] parameters)
        where T : Resource =>
        (await AllStoredAsync(type, cancellationToken, parameters)).Select(s => (T)FhirSerializer.ParseJson(s.Json!)).ToList();

    private Task<List<StoredResource>> AllStoredAsync(string type, CancellationToken cancellationToken, params (string, string)[] parameters) =>
        session.SearchAllAsync(policy.Parse(type, parameters) with { Count = LookupPageSize }, cancellationToken);

    private static Task<T> Once<T>(Dictionary<string, Task<T>> cache, string key, Func<Task<T>> find)
    {
        if (!cache.TryGetValue(key, out var task))
        {
            task = find();
            cache[key] = task;
        }

        return task;
    }
}
