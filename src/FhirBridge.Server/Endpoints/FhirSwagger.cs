using Microsoft.OpenApi;

namespace FhirBridge.Server.Endpoints;

/// <summary>Stands for a FHIR resource in the OpenAPI description: an opaque JSON object (FHIR has its own schema).</summary>
internal sealed class FhirResourceBody;

/// <summary>The Swagger document of the FHIR endpoints (UI at /swagger).</summary>
internal static class FhirSwagger
{
    private const string BearerScheme = "Bearer";

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
            // Every /fhir route but metadata needs a bearer token: the UI's Authorize button sends it.
            options.AddSecurityDefinition(BearerScheme, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "A JWT from your identity provider, or for local use: dotnet run --project src/FhirBridge.Cli -- token --role ... --org ...",
            });
            options.AddSecurityRequirement(document => new OpenApiSecurityRequirement
            {
                [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [],
            });
        });
        return services;
    }
}
