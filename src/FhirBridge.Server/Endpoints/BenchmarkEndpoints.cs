namespace FhirBridge.Server.Endpoints;

/// <summary>The benchmark's baseline: an endpoint that does nothing, on the same host and pipeline.</summary>
internal static class BenchmarkEndpoints
{
    public static IEndpointRouteBuilder MapBenchmarkEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/bench/noop", () => Results.NoContent()).ExcludeFromDescription();
        return app;
    }
}
