using FhirBridge.Core.Fhir;
using Hl7.Fhir.Model;

namespace FhirBridge.Bridge.ConnectedSystems;

/// <summary>
/// Reads a connected system from its <c>Endpoint</c> and managing <c>Organization</c>:
/// <list type="bullet">
/// <item><c>Endpoint.status</c> active, <c>connectionType</c> = <see cref="ConnectionTypeSystem"/>|<see cref="FhirRestCode"/>,
/// <c>address</c> an absolute http(s) URL (the FHIR base);</item>
/// <item><c>Endpoint.managingOrganization</c> → an active Organization with an OID identifier (see <see cref="Oids.Of"/>);</item>
/// <item>extension <see cref="KindExtension"/> (valueCode <c>patient-record</c> | <c>social-welfare</c>);</item>
/// <item><c>payloadType</c> codings of <see cref="ResourceTypeSystem"/>: the resource types it receives (default
/// <see cref="DefaultResourceTypes"/>);</item>
/// <item>optional extension <see cref="CredentialExtension"/> (valueString): the name of the configuration entry holding
/// its bearer token — never the secret itself.</item>
/// </list>
/// </summary>
public static class ConnectedSystemReader
{
    public const string ConnectionTypeSystem = "http://terminology.hl7.org/CodeSystem/endpoint-connection-type";
    public const string FhirRestCode = "hl7-fhir-rest";
    public const string ResourceTypeSystem = "http://hl7.org/fhir/resource-types";
    public const string KindExtension = "https://fhirbridge.fi/fhir/StructureDefinition/connected-system-kind";
    public const string CredentialExtension = "https://fhirbridge.fi/fhir/StructureDefinition/endpoint-credential";
    public const string PatientRecordCode = "patient-record";
    public const string SocialWelfareCode = "social-welfare";

    /// <summary>The joint-client resource types the bridge pushes (issue #5): what a system receives unless its Endpoint says otherwise.</summary>
    public static readonly IReadOnlySet<string> DefaultResourceTypes =
        new HashSet<string>(["CarePlan", "CareTeam", "EpisodeOfCare", "Consent", "Task"], StringComparer.Ordinal);

    /// <summary>
    /// The connected system <paramref name="endpoint"/> (managed by <paramref name="organization"/>) describes, or null
    /// with the reasons in <paramref name="problems"/> (each "element: what is wrong").
    /// </summary>
    public static ConnectedSystem? Read(Endpoint endpoint, Organization? organization, List<string> problems)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(problems);
        var before = problems.Count;
        if (endpoint.Status != Endpoint.EndpointStatus.Active)
        {
            problems.Add($"Endpoint.status: is {endpoint.Status?.ToString() ?? "missing"}, not active");
        }

        if (endpoint.ConnectionType is not { System: ConnectionTypeSystem, Code: FhirRestCode })
        {
            problems.Add($"Endpoint.connectionType: must be {ConnectionTypeSystem}|{FhirRestCode}");
        }

        var baseUrl = BaseUrl(endpoint.Address, problems);
        var kind = Kind(endpoint.GetExtensionValue<Code>(KindExtension)?.Value, problems);
        var types = ResourceTypes(endpoint, problems);
        var oid = OrganizationOid(endpoint, organization, problems);
        var credential = endpoint.GetExtensionValue<FhirString>(CredentialExtension)?.Value;
        if (problems.Count > before)
        {
            return null;
        }

        var name = endpoint.Name ?? organization!.Name ?? baseUrl!.AbsoluteUri;
        return new ConnectedSystem(endpoint.Id!, name, baseUrl!, organization!.Id!, oid!, kind!.Value, types, credential);
    }

    private static Uri? BaseUrl(string? address, List<string> problems)
    {
        if (Uri.TryCreate(address, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
        {
            return new Uri(uri.AbsoluteUri.TrimEnd('/'));
        }

        problems.Add($"Endpoint.address: '{address}' is not an absolute http(s) URL");
        return null;
    }

    private static ConnectedSystemKind? Kind(string? code, List<string> problems)
    {
        switch (code)
        {
            case PatientRecordCode:
                return ConnectedSystemKind.PatientRecord;
            case SocialWelfareCode:
                return ConnectedSystemKind.SocialWelfare;
            default:
                problems.Add($"Endpoint.extension('{KindExtension}'): must be {PatientRecordCode} or {SocialWelfareCode}, not '{code}'");
                return null;
        }
    }

    private static IReadOnlySet<string> ResourceTypes(Endpoint endpoint, List<string> problems)
    {
        var codes = endpoint.PayloadType.SelectMany(p => p.Coding).Where(c => c.System == ResourceTypeSystem).Select(c => c.Code ?? "").ToList();
        if (codes.Count == 0)
        {
            return DefaultResourceTypes;
        }

        foreach (var code in codes.Where(c => !DefaultResourceTypes.Contains(c)))
        {
            problems.Add($"Endpoint.payloadType: '{code}' is not a type the bridge pushes ({string.Join(", ", DefaultResourceTypes)})");
        }

        return codes.ToHashSet(StringComparer.Ordinal);
    }

    private static string? OrganizationOid(Endpoint endpoint, Organization? organization, List<string> problems)
    {
        if (endpoint.ManagingOrganization?.Reference is null)
        {
            problems.Add("Endpoint.managingOrganization: the Organization of the system is required");
            return null;
        }

        if (organization is null)
        {
            problems.Add($"Endpoint.managingOrganization: {endpoint.ManagingOrganization.Reference} was not found");
            return null;
        }

        if (organization.Active == false)
        {
            problems.Add($"Endpoint.managingOrganization: Organization/{organization.Id} is not active");
        }

        var oid = organization.Identifier.Select(Oids.Of).Select(Oids.Normalize).FirstOrDefault(o => o is not null);
        if (oid is null)
        {
            problems.Add($"Endpoint.managingOrganization: Organization/{organization.Id} has no OID identifier");
        }

        return oid;
    }
}
