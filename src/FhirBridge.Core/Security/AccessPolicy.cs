using System.Runtime.CompilerServices;
using FhirBridge.Core.Errors;
using FhirBridge.Core.Fhir;
using FhirBridge.Core.Search;
using FhirBridge.Core.Storage;

namespace FhirBridge.Core.Security;

/// <summary>Configuration of <see cref="AccessPolicy"/>.</summary>
/// <param name="AllowBreakGlass">Whether a stated break-glass reason grants exceptional access (issue #4 (c)).</param>
/// <param name="Time">The clock that decides whether teams, participations and consents are in force.</param>
/// <param name="DefaultPurposeOfUse">The purpose of a request that states none: joint clientship is care management.</param>
public sealed record AccessPolicyOptions(bool AllowBreakGlass = true, TimeProvider? Time = null, string DefaultPurposeOfUse = "CAREMGT");

/// <summary>
/// The authorization rules of issue #4: scope and role gates per interaction, and the lawful basis of a professional
/// for a client's data — care relationship, then consent (unless denied), then break-glass.
/// </summary>
public sealed class AccessPolicy
{
    private static readonly HashSet<string> LogTypes = new(StringComparer.Ordinal) { "AuditEvent" };

    private readonly ISearchQueryParser _parser;
    private readonly TimeProvider _time;
    private readonly ConditionalWeakTable<IStoreSession, Dictionary<Caller, CallerRelations>> _cache = [];

    public AccessPolicy(ISearchQueryParser parser, AccessPolicyOptions? options = null)
    {
        _parser = parser;
        Options = options ?? new AccessPolicyOptions();
        _time = Options.Time ?? TimeProvider.System;
    }

    public AccessPolicyOptions Options { get; }

    /// <summary>Throws <see cref="ForbiddenException"/> unless the caller's scopes and role allow <paramref name="action"/> on <paramref name="type"/>.</summary>
    public void CheckInteraction(Caller caller, string type, ScopeAction action)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!caller.Scopes.Allows(type, action))
        {
            throw new ForbiddenException($"The token grants no scope for {ScopeLetters(action)} on {type} (e.g. user/{type}.{ScopeLetters(action)}).");
        }

        var isLog = LogTypes.Contains(type);
        switch (caller.Role)
        {
            case CallerRole.ComplianceOfficer when !isLog:
                throw new ForbiddenException($"Compliance officers read logs, not client data ({type}).");
            case CallerRole.ComplianceOfficer when (action & ~(ScopeAction.Read | ScopeAction.Search)) != 0:
                throw new ForbiddenException("The access and disclosure logs are read-only.");
            case CallerRole.Administrator when !PatientCompartment.IsDirectory(type):
                throw new ForbiddenException($"Administrators manage directory and configuration data, not client data ({type}).");
            case not CallerRole.ComplianceOfficer when isLog:
                throw new ForbiddenException("Only compliance officers read the access and disclosure logs.");
        }
    }

    /// <summary>Throws <see cref="ForbiddenException"/> unless the caller is an administrator (e.g. connected systems and their deliveries).</summary>
    public static void RequireAdministrator(Caller caller, string what)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (caller.Role != CallerRole.Administrator)
        {
            throw new ForbiddenException($"{what} is for administrators, not {caller.Role.ToText()}s.");
        }
    }

    /// <summary>True when the caller sees every client's data (system integration, or an allowed break-glass access).</summary>
    public bool IsUnrestricted(Caller caller) => UnrestrictedBasis(caller) is not null;

    /// <summary>The caller's lawful basis for <paramref name="patientId"/>'s data of <paramref name="type"/>, or null when there is none.</summary>
    public async Task<LegalBasis?> BasisAsync(IStoreSession session, Caller caller, string patientId, string type, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (caller.Role == CallerRole.SystemIntegration)
        {
            return SystemBasis;
        }

        if (!caller.Role.IsClinical())
        {
            return null;
        }

        var relations = Relations(session, caller);
        return await relations.CareBasisAsync(patientId, cancellationToken)
            ?? await relations.ConsentBasisAsync(patientId, PatientCompartment.DataClass(type), cancellationToken)
            ?? BreakGlass(caller);
    }

    /// <summary>
    /// The consent basis a professional of organisation <paramref name="organizationOid"/> (bare OID) would have for
    /// <paramref name="patientId"/>'s <paramref name="dataClass"/> data under the client's active consents (a denial wins),
    /// for <paramref name="purposeOfUse"/> or the default purpose: the same evaluation as a caller's own consent basis.
    /// </summary>
    public Task<LegalBasis?> OrganizationConsentBasisAsync(
        IStoreSession session, string organizationOid, string patientId, string? dataClass, string? purposeOfUse, CancellationToken cancellationToken)
    {
        var member = new Caller(Oids.UrnPrefix + organizationOid, null, organizationOid, CallerRole.Professional, ScopeSet.Parse(null), null, null, null, "", null, purposeOfUse);
        return new CallerRelations(this, session, member).ConsentBasisAsync(patientId, dataClass, cancellationToken);
    }

    /// <summary>The patients whose <paramref name="type"/> data the caller may see in searches and history.</summary>
    public async Task<PatientFilter> VisiblePatientsAsync(IStoreSession session, Caller caller, string type, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (UnrestrictedBasis(caller) is { } basis)
        {
            return PatientFilter.Unrestricted(basis);
        }

        return caller.Role.IsClinical()
            ? PatientFilter.Only(await Relations(session, caller).VisibleAsync(PatientCompartment.DataClass(type), cancellationToken))
            : PatientFilter.Only(new Dictionary<string, LegalBasis>());
    }

    /// <summary>A criterion restricting <paramref name="type"/> to the given patients' resources (its compartment parameter).</summary>
    public SearchCriterion PatientCriterion(string type, IEnumerable<string> patientIds)
    {
        var parameter = PatientCompartment.SearchParameter(type) ?? throw new ArgumentException($"{type} is not client data.", nameof(type));
        var values = type == "Patient" ? patientIds : patientIds.Select(id => $"Patient/{id}");
        return Parse(type, (parameter, string.Join(',', values))).Criteria.Single();
    }

    /// <summary>Ids of the Organization resources that carry the caller's organisation OID.</summary>
    internal Task<HashSet<string>> OrganizationsOfAsync(IStoreSession session, Caller caller, CancellationToken cancellationToken) =>
        Relations(session, caller).OrganizationsAsync(cancellationToken);

    /// <summary>Forgets what was looked up in <paramref name="session"/>: a write may have changed teams, episodes or consents.</summary>
    public void Forget(IStoreSession session) => _cache.Remove(session);

    internal SearchQuery Parse(string type, params (string Name, string Value)[] parameters) =>
        _parser.Parse(type, parameters.Select(p => new KeyValuePair<string, string>(p.Name, p.Value)).ToList(), strict: true, baseUrl: null).Query;

    internal DateTimeOffset Now => _time.GetUtcNow();

    private static readonly LegalBasis SystemBasis = new(LegalBasis.StatutoryTaskCode);

    private LegalBasis? UnrestrictedBasis(Caller caller) =>
        caller.Role == CallerRole.SystemIntegration ? SystemBasis : caller.Role.IsClinical() ? BreakGlass(caller) : null;

    private LegalBasis? BreakGlass(Caller caller) =>
        Options.AllowBreakGlass && !string.IsNullOrWhiteSpace(caller.BreakGlassReason)
            ? new LegalBasis(LegalBasis.BreakGlassCode, Reason: caller.BreakGlassReason)
            : null;

    private CallerRelations Relations(IStoreSession session, Caller caller)
    {
        var byCaller = _cache.GetValue(session, _ => []);
        lock (byCaller)
        {
            if (!byCaller.TryGetValue(caller, out var relations))
            {
                relations = new CallerRelations(this, session, caller);
                byCaller[caller] = relations;
            }

            return relations;
        }
    }

    private static string ScopeLetters(ScopeAction action) =>
        string.Concat("cruds".Where((_, i) => (action & (ScopeAction)(1 << i)) != 0));
}
