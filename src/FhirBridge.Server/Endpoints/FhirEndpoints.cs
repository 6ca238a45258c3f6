using FhirBridge.Server.Audit;
using FhirBridge.Server.Http;

namespace FhirBridge.Server.Endpoints;

/// <summary>Maps <see cref="FhirRoutes.All"/> under /fhir, described for Swagger with FHIR bodies as opaque JSON objects.</summary>
internal static class FhirEndpoints
{
    private static readonly string[] RequestTypes = [FhirMediaTypes.Json, "application/json", FhirMediaTypes.Xml, "application/xml"];

    public static IEndpointRouteBuilder MapFhirEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(FhirHttpContext.BasePath).WithTags("FHIR").AddEndpointFilter<AccessLogFilter>();
        foreach (var route in FhirRoutes.All)
        {
            var endpoint = group.MapMethods(route.Pattern, [route.Method], route.Handler)
                .WithSummary(route.Summary)
                .WithMetadata(route)
                .Produces<FhirResourceBody>(StatusCodes.Status200OK, FhirMediaTypes.Json, FhirMediaTypes.Xml);
            if (route.TakesResource)
            {
                endpoint.Accepts<FhirResourceBody>(RequestTypes[0], RequestTypes[1..]);
            }
        }

        return app;
    }
}
