using FhirBridge.Server.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace FhirBridge.Server.Tests;

public class ErrorMiddlewareTests
{
    [Theory]
    [InlineData("Development", "An unexpected server error occurred (InvalidOperationException: boom).")]
    [InlineData("Production", "An unexpected server error occurred.")]
    public async Task An_unexpected_error_is_a_500_OperationOutcome_naming_the_exception_only_in_Development(string environment, string diagnostics)
    {
        var middleware = new FhirErrorMiddleware(
            _ => throw new InvalidOperationException("boom"), NullLogger<FhirErrorMiddleware>.Instance, new Environment(environment));
        var http = new DefaultHttpContext();
        http.Request.Method = "GET";
        http.Request.Path = "/fhir/Patient";
        http.Response.Body = new MemoryStream();

        await middleware.InvokeAsync(http);

        Assert.Equal(500, http.Response.StatusCode);
        http.Response.Body.Position = 0;
        var outcome = (Hl7.Fhir.Model.OperationOutcome)Core.Fhir.FhirSerializer.ParseJson(await new StreamReader(http.Response.Body).ReadToEndAsync());
        Assert.Equal(diagnostics, Assert.Single(outcome.Issue).Diagnostics);
    }

    private sealed class Environment(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;

        public string ApplicationName { get; set; } = "FhirBridge.Server";

        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;

        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
