using FhirBridge.Core.Errors;
using FhirBridge.Core.Fhir;
using FhirBridge.Core.Operations;
using FhirBridge.Server.Capability;
using FhirBridge.Server.Http;
using Hl7.Fhir.Model;

namespace FhirBridge.Server.Endpoints;

/// <summary>The route handlers: translate HTTP to <see cref="IResourceService"/> calls and results back; no FHIR logic here.</summary>
internal static class FhirHandlers
{
    public static IResult Metadata(HttpContext http, CapabilityStatementProvider capabilities) =>
        FhirResults.Ok(capabilities.For(http.FhirBase()));

    public static async Task<IResult> BundleAsync(HttpContext http, IResourceService service, FhirRequestReader reader, CancellationToken ct)
    {
        var resource = await reader.ReadResourceAsync(http.Request, ct);
        var bundle = resource as Bundle
            ?? throw new BadRequestException($"POST to the base takes a transaction or batch Bundle, not a {resource.TypeName}.", "Bundle");
        return FhirResults.Ok(await service.ProcessBundleAsync(bundle, http.ToRequestContext(), ct));
    }

    public static async Task<IResult> SystemHistoryAsync(HttpContext http, IResourceService service, CancellationToken ct) =>
        FhirResults.Ok(await service.HistoryAsync(null, null, QueryParameters.Of(http.Request), http.ToRequestContext(), ct));

    public static async Task<IResult> CreateAsync(string type, HttpContext http, IResourceService service, FhirRequestReader reader, CancellationToken ct)
    {
        RequireServed(type);
        var resource = await reader.ReadResourceAsync(http.Request, ct);
        return FhirResults.Write(http, await service.CreateAsync(type, resource, ConditionalHeaders.IfNoneExist(http.Request), ct));
    }

    public static async Task<IResult> SearchAsync(string type, HttpContext http, IResourceService service, CancellationToken ct)
    {
        RequireServed(type);
        return await SearchWithAsync(type, QueryParameters.Of(http.Request), http, service, ct);
    }

    public static async Task<IResult> SearchPostAsync(string type, HttpContext http, IResourceService service, FhirRequestReader reader, CancellationToken ct)
    {
        RequireServed(type);
        var form = await reader.ReadFormAsync(http.Request, ct);
        return await SearchWithAsync(type, [.. form, .. QueryParameters.Of(http.Request)], http, service, ct);
    }

    public static async Task<IResult> ConditionalUpdateAsync(string type, HttpContext http, IResourceService service, FhirRequestReader reader, CancellationToken ct)
    {
        RequireServed(type);
        var criteria = http.Request.QueryString.Value?.TrimStart('?');
        if (string.IsNullOrEmpty(criteria))
        {
            throw new BadRequestException($"PUT {type} without an id is a conditional update and needs search criteria, e.g. {type}?identifier=system|value.");
        }

        var ifMatch = ConditionalHeaders.IfMatchVersion(http.Request);
        var resource = await reader.ReadResourceAsync(http.Request, ct);
        return FhirResults.Write(http, await service.ConditionalUpdateAsync(type, criteria, resource, ifMatch, ct));
    }

    public static async Task<IResult> TypeHistoryAsync(string type, HttpContext http, IResourceService service, CancellationToken ct)
    {
        RequireServed(type);
        return FhirResults.Ok(await service.HistoryAsync(type, null, QueryParameters.Of(http.Request), http.ToRequestContext(), ct));
    }

    public static async Task<IResult> ReadAsync(string type, string id, HttpContext http, IResourceService service, CancellationToken ct)
    {
        RequireServed(type);
        return FhirResults.Read(http.Request, await service.ReadAsync(type, id, null, ct));
    }

    public static async Task<IResult> UpdateAsync(string type, string id, HttpContext http, IResourceService service, FhirRequestReader reader, CancellationToken ct)
    {
        RequireServed(type);
        var ifMatch = ConditionalHeaders.IfMatchVersion(http.Request);
        var resource = await reader.ReadResourceAsync(http.Request, ct);
        return FhirResults.Write(http, await service.UpdateAsync(type, id, resource, ifMatch, ct));
    }

    public static async Task<IResult> DeleteAsync(string type, string id, IResourceService service, CancellationToken ct)
    {
        RequireServed(type);
        return FhirResults.Deleted(await service.DeleteAsync(type, id, ct));
    }

    public static async Task<IResult> InstanceHistoryAsync(string type, string id, HttpContext http, IResourceService service, CancellationToken ct)
    {
        RequireServed(type);
        return FhirResults.Ok(await service.HistoryAsync(type, id, QueryParameters.Of(http.Request), http.ToRequestContext(), ct));
    }

    public static async Task<IResult> VersionReadAsync(string type, string id, string vid, HttpContext http, IResourceService service, CancellationToken ct)
    {
        RequireServed(type);
        if (!int.TryParse(vid, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var version) || version < 1)
        {
            throw new ResourceNotFoundException($"{type}/{id} has no version '{vid}'.");
        }

        return FhirResults.Read(http.Request, await service.ReadAsync(type, id, version, ct));
    }

    public static async Task<IResult> ValidateTypeAsync(string type, HttpContext http, IResourceService service, FhirRequestReader reader, CancellationToken ct)
    {
        RequireServed(type);
        var body = await reader.ReadResourceAsync(http.Request, ct);
        var request = ValidationRequest.FromBody(type, body, QueryParameters.Of(http.Request));
        return FhirResults.Ok(await service.ValidateAsync(type, request, ct));
    }

    public static async Task<IResult> ValidateInstanceAsync(string type, string id, HttpContext http, IResourceService service, CancellationToken ct)
    {
        RequireServed(type);
        var current = await service.ReadAsync(type, id, null, ct);
        var request = ValidationRequest.FromQuery(current.Resource, QueryParameters.Of(http.Request));
        return FhirResults.Ok(await service.ValidateAsync(type, request, ct));
    }

    private static async Task<IResult> SearchWithAsync(
        string type, IReadOnlyList<KeyValuePair<string, string>> parameters, HttpContext http, IResourceService service, CancellationToken ct) =>
        FhirResults.Ok((await service.SearchAsync(type, parameters, http.ToRequestContext(), ct)).Bundle);

    // Checked before the body is read so an unknown type is a 404 whatever the body holds.
    private static void RequireServed(string type) => ServedTypes.EnsureStored(type);
}
