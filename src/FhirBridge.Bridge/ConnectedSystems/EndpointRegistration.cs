using FhirBridge.Core.Errors;
using FhirBridge.Core.Fhir;
using FhirBridge.Core.Security;
using FhirBridge.Core.Storage;
using Hl7.Fhir.Model;

namespace FhirBridge.Bridge.ConnectedSystems;

/// <summary>
/// The registration rules of connected systems, applied to every Endpoint write whatever the path (create, update,
/// conditional, transaction): an Endpoint that is a connected system — it carries <see cref="ConnectedSystemReader.KindExtension"/>,
/// now or in the version it replaces — is written only by administrators (403), and must be usable as
/// <see cref="ConnectedSystemReader"/> reads it (422 listing each problem with its element). Another status than active
/// switches a system off and is allowed.
/// </summary>
public sealed class EndpointRegistration : IWriteObserver
{
    private const string StatusElement = "Endpoint.status";

    public async System.Threading.Tasks.Task OnWriteAsync(IStoreSession session, Caller caller, IReadOnlyList<DataAccess> writes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(writes);
        foreach (var write in writes.Where(w => w.Type == "Endpoint"))
        {
            var written = await session.GetAsync(write.Type, write.Id, write.Version, cancellationToken);
            var previous = write.Version > 1 ? await session.GetAsync(write.Type, write.Id, write.Version - 1, cancellationToken) : null;
            var endpoint = written?.Json is { } json ? (Endpoint)FhirSerializer.ParseJson(json) : null;
            var before = previous?.Json is { } old ? (Endpoint)FhirSerializer.ParseJson(old) : null;
            if (!IsConnectedSystem(endpoint) && !IsConnectedSystem(before))
            {
                continue;
            }

            AccessPolicy.RequireAdministrator(caller, "Registering connected systems (Endpoint with a connected-system-kind)");
            if (IsConnectedSystem(endpoint))
            {
                await CheckAsync(session, endpoint!, cancellationToken);
            }
        }
    }

    private static bool IsConnectedSystem(Endpoint? endpoint) => endpoint?.GetExtension(ConnectedSystemReader.KindExtension) is not null;

    private static async System.Threading.Tasks.Task CheckAsync(IStoreSession session, Endpoint endpoint, CancellationToken cancellationToken)
    {
        Organization? organization = null;
        if (endpoint.ManagingOrganization?.Reference is { } reference
            && Core.Search.ReferenceText.TryParseRelative(reference, out var type, out var id) && type == "Organization"
            && await session.GetAsync(type, id, null, cancellationToken) is { Json: { } json })
        {
            organization = (Organization)FhirSerializer.ParseJson(json);
        }

        var problems = new List<string>();
        ConnectedSystemReader.Read(endpoint, organization, problems);
        var issues = problems
            .Select(p => (Element: p[..Math.Max(0, p.IndexOf(": ", StringComparison.Ordinal))], Text: p))
            .Where(p => p.Element != StatusElement)
            .Select(p => FhirException.Issue(OperationOutcome.IssueSeverity.Error, OperationOutcome.IssueType.BusinessRule, $"Connected system: {p.Text}", p.Element))
            .ToList();
        if (issues.Count > 0)
        {
            throw new UnprocessableEntityException(issues);
        }
    }
}
