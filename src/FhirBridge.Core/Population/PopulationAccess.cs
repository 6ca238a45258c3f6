using FhirBridge.Core.Errors;
using FhirBridge.Core.Search;
using FhirBridge.Core.Security;
using FhirBridge.Core.Storage;

namespace FhirBridge.Core.Population;

/// <summary>
/// Who may run the population operations ($joint-client-candidates, $outcomes) and over which organisations: a system
/// integration over any organisation (or all), a professional only over their own organisation — identifying frequent
/// users and following up the county's own services are statutory tasks of that organisation. Each client whose data
/// an operation used is recorded in the access trail with the statutory-task basis (703/2023: every use is logged).
/// </summary>
internal sealed class PopulationAccess(AccessPolicy policy, AccessTrail trail)
{
    public static readonly LegalBasis Basis = new(LegalBasis.StatutoryTaskCode);

    public Caller Caller => trail.Caller;

    /// <summary>
    /// The <c>Organization/id</c> references the operation covers: the requested one, or for a professional who named
    /// none, their own organisation's; null means every organisation (system integrations only).
    /// </summary>
    public async Task<IReadOnlyList<string>?> OrganizationsAsync(
        IStoreSession lookups, string? requested, string operation, CancellationToken cancellationToken)
    {
        policy.CheckInteraction(Caller, "Encounter", ScopeAction.Search);
        if (Caller.Role == CallerRole.SystemIntegration)
        {
            return requested is null ? null : [requested];
        }

        if (!Caller.Role.IsClinical())
        {
            throw new ForbiddenException($"{operation} is for system integrations and professionals, not {Caller.Role.ToText()}s.");
        }

        var own = (await policy.OrganizationsOfAsync(lookups, Caller, cancellationToken)).Select(id => $"Organization/{id}").Order(StringComparer.Ordinal).ToList();
        if (requested is null)
        {
            return own.Count > 0
                ? own
                : throw new ForbiddenException(
                    $"{operation}: no Organization resource carries your organisation's identifier urn:oid:{Caller.Organization}, so there is nothing of your organisation to review.");
        }

        return own.Contains(requested, StringComparer.Ordinal)
            ? [requested]
            : throw new ForbiddenException(
                $"{operation}: professionals may review only their own organisation (urn:oid:{Caller.Organization}); {requested} is another organisation.",
                "organization");
    }

    /// <summary>Records that <paramref name="resource"/> (client data of <paramref name="patientId"/>) was used by the operation.</summary>
    public void Used(StoredResource resource, string patientId) =>
        trail.Record(new DataAccess(resource.Type, resource.Id, resource.Version, patientId, Basis, DataAccessKind.Read));

    /// <summary>Parses one search for internal lookups, with the largest page size.</summary>
    public SearchQuery Query(string type, PageSizes pageSizes, params (string Name, string Value)[] parameters) =>
        policy.Parse(type, parameters) with { Count = pageSizes.Max };
}
