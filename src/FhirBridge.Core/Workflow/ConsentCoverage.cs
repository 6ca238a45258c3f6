using FhirBridge.Core.Errors;
using FhirBridge.Core.Fhir;
using FhirBridge.Core.Search;
using FhirBridge.Core.Security;
using FhirBridge.Core.Storage;
using Hl7.Fhir.Model;

namespace FhirBridge.Core.Workflow;

/// <summary>
/// Whether the client's consents let every team member's organisation receive the team's data (DOMAIN.md step 2): the
/// organisations of PractitionerRoles (their organization) and Practitioners (the organizations of their roles) must each
/// have a consent basis, as <see cref="AccessPolicy"/> evaluates it, for the care-team and episode data classes.
/// RelatedPersons (close ones) belong to no organisation and are not checked.
/// </summary>
internal sealed class ConsentCoverage(AccessPolicy policy, StoreLookups lookups)
{
    private static readonly string[] DataClasses = ["care-team", "episode"];

    /// <summary>The named consent must be an active permit consent of the client, in force now.</summary>
    public static async System.Threading.Tasks.Task EnsurePermitAsync(
        IStoreSession session, string consentReference, string patient, DateTimeOffset now, string expression, CancellationToken cancellationToken)
    {
        var consent = await StoreLookups.GetAsync<Consent>(session, consentReference, cancellationToken)
            ?? throw new UnprocessableEntityException($"The consent {consentReference} is not known.", expression);
        if (ReferenceText.Canonical(consent.Patient?.Reference) != patient
            || consent.Status != Consent.ConsentState.Active
            || consent.Provision?.Type != Consent.ConsentProvisionType.Permit
            || !FhirDateRange.Covers(consent.Provision.Period, now))
        {
            throw new UnprocessableEntityException($"{consentReference} is not an active permit consent of {patient} in force now.", expression);
        }
    }

    /// <summary>Throws 422 naming the first organisation of <paramref name="members"/> the client's consents do not cover.</summary>
    public async System.Threading.Tasks.Task EnsureCoveredAsync(
        IStoreSession session, string patient, IEnumerable<(string Member, string Expression)> members, string? purposeOfUse, CancellationToken cancellationToken)
    {
        var patientId = PatientCompartment.PatientId(patient)!;
        foreach (var (member, expression) in members)
        {
            if (member.StartsWith("RelatedPerson/", StringComparison.Ordinal))
            {
                continue;
            }

            var organizations = await OrganizationsOfAsync(session, member, cancellationToken);
            if (organizations.Count == 0)
            {
                throw new UnprocessableEntityException(
                    $"{member} names no organisation with an OID (PractitionerRole.organization): whether the consent covers it cannot be checked.", expression);
            }

            foreach (var (organization, oid) in organizations)
            {
                foreach (var dataClass in DataClasses)
                {
                    if (await policy.OrganizationConsentBasisAsync(session, oid, patientId, dataClass, purposeOfUse, cancellationToken) is null)
                    {
                        throw new UnprocessableEntityException(
                            $"No active permit consent of {patient} covers the organisation {organization} (urn:oid:{oid}) of team member {member} for {dataClass} data.",
                            expression);
                    }
                }
            }
        }
    }

    /// <summary>The organisation ("Organization/id" or the OID) of a PractitionerRole, or of a Practitioner's roles, with its OID.</summary>
    public async Task<IReadOnlyList<(string Organization, string Oid)>> OrganizationsOfAsync(IStoreSession session, string member, CancellationToken cancellationToken)
    {
        var roles = member.StartsWith("PractitionerRole/", StringComparison.Ordinal)
            ? (await StoreLookups.GetAsync<PractitionerRole>(session, member, cancellationToken) is { } role ? [role] : [])
            : await lookups.SearchAsync<PractitionerRole>(session, cancellationToken, ("practitioner", member));
        var organizations = new List<(string, string)>();
        foreach (var reference in roles.Select(r => r.Organization).OfType<ResourceReference>())
        {
            if (reference.Identifier is { } identifier && Oids.Normalize(Oids.Of(identifier)) is { } named)
            {
                organizations.Add(($"urn:oid:{named}", named));
            }
            else if (await StoreLookups.GetAsync<Organization>(session, reference.Reference, cancellationToken) is { } organization
                && organization.Identifier.Select(i => Oids.Normalize(Oids.Of(i))).OfType<string>().FirstOrDefault() is { } oid)
            {
                organizations.Add(($"Organization/{organization.Id}", oid));
            }
        }

        return organizations;
    }
}
