using System.Net;
using FhirBridge.Cli;
using FhirBridge.Core.Security;
using FhirBridge.Server.Tests.Infrastructure;

namespace FhirBridge.Server.Tests;

/// <summary>A token from <c>fhirbridge token</c> is accepted by a Development server sharing its key file, with its defaults.</summary>
public sealed class TokenCommandAcceptanceTests(SqliteFhirServer server) : IClassFixture<SqliteFhirServer>
{
    [Fact]
    public async Task Cli_token_is_accepted_and_names_the_caller()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = CliApp.Run(
            ["token", "--role", "professional", "--org", "urn:oid:1.2.246.10.12345678", "--user", TestTokens.Professional, "--key-file", FhirServerFactory.DevelopmentKeyFile],
            output,
            error);
        Assert.Equal(0, exit);

        var caller = await AuthenticationTests.CallerOfAsync(server.Factory, output.ToString().Trim());

        Assert.Equal(CallerRole.Professional, caller.Role);
        Assert.Equal("1.2.246.10.12345678", caller.Organization);
        Assert.Equal(TestTokens.Professional, caller.User);
        Assert.Equal("fhirbridge-cli", caller.ClientId);
        Assert.True(caller.Scopes.Allows("CarePlan", ScopeAction.All));
    }

    [Fact]
    public async Task Cli_token_is_rejected_by_a_Production_server()
    {
        using var output = new StringWriter();
        Assert.Equal(0, CliApp.Run(["token", "--role", "system", "--org", TestTokens.Organization, "--key-file", FhirServerFactory.DevelopmentKeyFile], output, TextWriter.Null));
        var production = SqliteFhirServer.With(new Dictionary<string, string?> { ["environment"] = "Production" });
        try
        {
            var response = await production.Factory.CreateClient(output.ToString().Trim()).GetAsync("/fhir/Patient");

            await FhirTest.AssertOutcomeAsync(response, HttpStatusCode.Unauthorized);
        }
        finally
        {
            await production.DisposeAsync();
        }
    }
}
