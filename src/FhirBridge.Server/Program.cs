using FhirBridge.Core.Terminology;
using FhirBridge.Core.Validation;
using FhirBridge.Server.Composition;
using FhirBridge.Server.Configuration;
using FhirBridge.Server.Endpoints;
using FhirBridge.Server.Http;
using FhirBridge.Server.Security;
using Microsoft.Extensions.Options;

var builder = WebApplication.CreateBuilder(args);
if (string.IsNullOrEmpty(builder.Configuration["urls"]))
{
    builder.WebHost.UseUrls("http://localhost:8080");
}

builder.Services.AddFhirBridge();
builder.Services.AddFhirSwagger();

var app = builder.Build();

// Loads the validation packages and the mappings and compiles the must-conform rules now, so configuration mistakes stop the start.
app.Services.GetRequiredService<ConformanceGate>();
app.Services.GetRequiredService<ConceptMapSet>();
if (!app.Services.GetRequiredService<IOptions<AccessLogOptions>>().Value.Enabled)
{
    app.Logger.LogWarning("AccessLog:Enabled is false: no access or disclosure log entries are written. 703/2023 requires them; use this only to benchmark.");
}

app.UseMiddleware<FhirErrorMiddleware>();
app.UseMiddleware<CallerMiddleware>();
app.UseSwagger();
app.UseSwaggerUI();
app.MapFhirEndpoints();
if (app.Services.GetRequiredService<IOptions<FhirServerOptions>>().Value.BenchmarkNoopEndpoint)
{
    app.MapBenchmarkEndpoints();
}

app.Run();

/// <summary>The host's entry point; public so tests can start it with WebApplicationFactory.</summary>
public partial class Program;
