using Microsoft.OpenApi;

namespace FhirBridge.Server.Endpoints;

/// <summary>Stands for a FHIR resource in the OpenAPI description: an opaque JSON object (FHIR has its own schema).</summary>
internal sealed class FhirResourceBody;

/// <summary>The Swagger document of the FHIR endpoints (UI at /swagger).</summary>
internal static class FhirSwagger
{
    public static IServiceCollection AddFhirSwagger(this IServiceCollection services)
    {
        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen(options =>
        {
            options.SwaggerDoc("v1", new OpenApiInfo
            {
                Title = "FhirBridge FHIR R4 API",
                Version = "v1",
                Description = "FHIR R4 REST API (https://hl7.org/fhir/R4/http.html). Bodies are FHIR resources in JSON or XML.",
            });
            options.MapType<FhirResourceBody>(() => new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = "A FHIR R4 resource, e.g. {\"resourceType\":\"Patient\", ...}.",
                AdditionalPropertiesAllowed = true,
            });
        });
        return services;
    }
}
