using System.Net;
using FhirBridge.Server.Configuration;
using FhirBridge.Server.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FhirBridge.Server.Tests;

/// <summary>Configuration of the host: options binding, validation and the optional benchmark endpoint.</summary>
public sealed class HostTests
{
    [Fact]
    public void Storage_defaults_to_embedded_sqlite()
    {
        var options = StorageOptionsFrom(new Dictionary<string, string?>());

        Assert.Equal("sqlite", options.Provider);
        Assert.Equal("data/fhirbridge.db", options.SqlitePath);
    }

    [Fact]
    public void Postgres_variable_selects_postgres()
    {
        var options = StorageOptionsFrom(new Dictionary<string, string?> { ["FHIRBRIDGE_POSTGRES"] = "Host=db;Database=fhir" });

        Assert.Equal("postgres", options.Provider);
        Assert.Equal("Host=db;Database=fhir", options.PostgresConnectionString);
    }

    [Fact]
    public void Postgres_without_connection_string_is_invalid()
    {
        Assert.Throws<OptionsValidationException>(() => StorageOptionsFrom(new Dictionary<string, string?> { ["Storage:Provider"] = "postgres" }));
    }

    [Fact]
    public void Server_options_have_the_documented_defaults()
    {
        var options = Provider(new Dictionary<string, string?>()).GetRequiredService<IOptions<FhirServerOptions>>().Value;

        Assert.Equal(10 * 1024 * 1024, options.MaxBodyBytes);
        Assert.Equal(20, options.DefaultPageSize);
        Assert.Equal(1000, options.MaxPageSize);
        Assert.False(options.BenchmarkNoopEndpoint);
    }

    [Fact]
    public async Task Invalid_configuration_stops_the_host_from_starting()
    {
        var settings = FhirServerFactory.BaseSettings();
        settings["Storage:Provider"] = "oracle";
        await using var factory = new FhirServerFactory(settings);

        Assert.Throws<OptionsValidationException>(() => factory.CreateClient());
    }

    [Theory]
    [InlineData("59.00:00:00")]
    [InlineData("93.00:00:00")]
    [InlineData("70.12:00:00")]
    public async Task A_follow_up_time_outside_two_to_three_months_stops_the_host_from_starting(string followUpAfter)
    {
        var settings = FhirServerFactory.BaseSettings();
        settings["Workflow:FollowUpAfter"] = followUpAfter;
        await using var factory = new FhirServerFactory(settings);

        var error = Assert.Throws<OptionsValidationException>(() => factory.CreateClient());
        Assert.Contains("Workflow:FollowUpAfter must be whole days within 2–3 months", error.Message);
    }

    [Fact]
    public void The_follow_up_time_defaults_to_ten_weeks()
    {
        var options = Provider(new Dictionary<string, string?>()).GetRequiredService<IOptions<WorkflowOptions>>().Value;

        Assert.Equal(TimeSpan.FromDays(70), options.FollowUpAfter);
    }

    [Theory]
    [InlineData(false, HttpStatusCode.NotFound)]
    [InlineData(true, HttpStatusCode.NoContent)]
    public async Task Noop_endpoint_is_mapped_only_when_enabled(bool enabled, HttpStatusCode expected)
    {
        var server = SqliteFhirServer.With(new Dictionary<string, string?> { ["FhirServer:BenchmarkNoopEndpoint"] = enabled ? "true" : "false" });
        try
        {
            var response = await server.Factory.CreateClient().GetAsync("/bench/noop");

            Assert.Equal(expected, response.StatusCode);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task Page_size_settings_apply_to_search_and_history()
    {
        var server = SqliteFhirServer.With(new Dictionary<string, string?> { ["FhirServer:DefaultPageSize"] = "2", ["FhirServer:MaxPageSize"] = "3" });
        try
        {
            var client = server.Factory.CreateClient();
            for (var i = 0; i < 4; i++)
            {
                var created = await client.PostAsync("/fhir/Patient", FhirTest.Json(FhirTest.Patient($"Sivukoko{i}")));
                Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            }

            var byDefault = await FhirTest.ReadAsync<Hl7.Fhir.Model.Bundle>(await client.GetAsync("/fhir/Patient"));
            var clamped = await FhirTest.ReadAsync<Hl7.Fhir.Model.Bundle>(await client.GetAsync("/fhir/Patient?_count=50"));
            var history = await FhirTest.ReadAsync<Hl7.Fhir.Model.Bundle>(await client.GetAsync("/fhir/Patient/_history?_count=50"));

            Assert.Equal(2, byDefault.Entry.Count);
            Assert.Equal(3, clamped.Entry.Count);
            Assert.Equal(3, history.Entry.Count);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    private static StorageHostOptions StorageOptionsFrom(Dictionary<string, string?> settings) =>
        Provider(settings).GetRequiredService<IOptions<StorageHostOptions>>().Value;

    private static ServiceProvider Provider(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddFhirBridgeOptions()
            .BuildServiceProvider();
    }
}
