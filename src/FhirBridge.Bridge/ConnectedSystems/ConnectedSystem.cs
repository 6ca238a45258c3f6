namespace FhirBridge.Bridge.ConnectedSystems;

/// <summary>Which side of the statutory record a connected system is on: it decides which statutory plans it holds.</summary>
public enum ConnectedSystemKind
{
    /// <summary>A patient-record system (EHR) that archives to Kanta: holds the health and care plan (terveys- ja hoitosuunnitelma).</summary>
    PatientRecord,

    /// <summary>A social-welfare client system: holds the client plan (asiakassuunnitelma).</summary>
    SocialWelfare,
}

/// <summary>
/// An external FHIR system FhirBridge pushes to and fetches statutory plans from, registered by an administrator as an
/// <c>Endpoint</c> managed by an <c>Organization</c> (see <see cref="ConnectedSystemReader"/> for the conventions).
/// </summary>
/// <param name="EndpointId">The Endpoint's id in this server.</param>
/// <param name="Name">Endpoint.name, or the organisation's name, for messages and logs.</param>
/// <param name="BaseUrl">Endpoint.address: the system's FHIR base, without a trailing slash.</param>
/// <param name="OrganizationId">The managing Organization's id in this server.</param>
/// <param name="OrganizationOid">The managing organisation's OID (bare): the recipient a consent must name.</param>
/// <param name="Kind">Which statutory plans the system holds.</param>
/// <param name="ResourceTypes">The resource types it receives (Endpoint.payloadType; the joint-client types when none is given).</param>
/// <param name="CredentialName">The configuration entry <c>Bridge:Credentials:{name}</c> holding the bearer token; null: no authentication.</param>
public sealed record ConnectedSystem(
    string EndpointId,
    string Name,
    Uri BaseUrl,
    string OrganizationId,
    string OrganizationOid,
    ConnectedSystemKind Kind,
    IReadOnlySet<string> ResourceTypes,
    string? CredentialName)
{
    /// <summary>Whether the system receives pushes of <paramref name="resourceType"/>.</summary>
    public bool Receives(string resourceType) => ResourceTypes.Contains(resourceType);
}
