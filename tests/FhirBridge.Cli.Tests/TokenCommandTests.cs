using FhirBridge.Core.Security;
using Microsoft.IdentityModel.JsonWebTokens;

namespace FhirBridge.Cli.Tests;

/// <summary><c>fhirbridge token</c>: the claims it puts in a development token, its key file, and its usage errors.</summary>
public sealed class TokenCommandTests : IDisposable
{
    private const string Org = "1.2.246.10.12345678";
    private const string Professional = "urn:oid:1.2.246.537.26|10009901";

    private readonly TempFolder _folder = new();

    private string KeyFile => Path.Combine(_folder.Path, "keys", "dev-signing-key.json");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Token_carries_the_caller_claims_and_is_signed_with_a_new_key_file()
    {
        var result = Cli.Run("token", "--role", "professional", "--org", "urn:oid:" + Org, "--user", Professional, "--name", "Hoitaja Testi", "--key-file", KeyFile);

        Assert.Equal(0, result.ExitCode);
        Assert.True(File.Exists(KeyFile));
        var token = new JsonWebToken(result.Output.Trim());
        Assert.Equal(DevelopmentSigningKey.Issuer, token.Issuer);
        Assert.Equal([DevelopmentSigningKey.Audience], token.Audiences);
        Assert.Equal(DevelopmentSigningKey.LoadOrCreate(KeyFile).Key.KeyId, token.Kid);
        Assert.Equal("HS256", token.Alg);
        Assert.Equal(Professional, token.Subject);
        Assert.Equal("professional", token.GetClaim(Caller.Claims.Role).Value);
        Assert.Equal(Org, token.GetClaim(Caller.Claims.Organization).Value);
        Assert.Equal(Professional, token.GetClaim(Caller.Claims.User).Value);
        Assert.Equal("user/*.cruds", token.GetClaim("scope").Value);
        Assert.Equal("Hoitaja Testi", token.GetClaim("name").Value);
        Assert.Equal("fhirbridge-cli", token.GetClaim("client_id").Value);
        Assert.InRange(token.ValidTo - token.ValidFrom, TimeSpan.FromHours(8) - TimeSpan.FromSeconds(1), TimeSpan.FromHours(8) + TimeSpan.FromSeconds(1));
    }

    [Theory]
    [InlineData("system", "system/*.cruds")]
    [InlineData("compliance-officer", "user/AuditEvent.rs")]
    [InlineData("administrator", "user/*.cruds")]
    public void Scope_defaults_to_the_roles_scope(string role, string scope)
    {
        var result = Cli.Run("token", "--role", role, "--org", Org, "--key-file", KeyFile);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(scope, new JsonWebToken(result.Output.Trim()).GetClaim("scope").Value);
    }

    [Fact]
    public void Options_override_scope_lifetime_issuer_audience_and_client()
    {
        var result = Cli.Run(
            "token", "--role", "system", "--org", Org, "--scope", "system/Patient.rs", "--lifetime", "30m",
            "--issuer", "https://idp.test", "--audience", "fhir-test", "--client-id", "ehr", "--key-file", KeyFile);

        Assert.Equal(0, result.ExitCode);
        var token = new JsonWebToken(result.Output.Trim());
        Assert.Equal("system/Patient.rs", token.GetClaim("scope").Value);
        Assert.Equal("https://idp.test", token.Issuer);
        Assert.Equal(["fhir-test"], token.Audiences);
        Assert.Equal("ehr", token.Subject);
        Assert.Equal(TimeSpan.FromMinutes(30), token.ValidTo - token.ValidFrom);
    }

    [Fact]
    public void Existing_key_file_is_reused()
    {
        var first = DevelopmentSigningKey.LoadOrCreate(KeyFile);
        var content = File.ReadAllText(KeyFile);

        var result = Cli.Run("token", "--role", "system", "--org", Org, "--key-file", KeyFile);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(content, File.ReadAllText(KeyFile));
        Assert.Equal(first.Key.KeyId, new JsonWebToken(result.Output.Trim()).Kid);
    }

    [Theory]
    [InlineData("--role is required", "--org", Org)]
    [InlineData("--org is required", "--role", "system")]
    [InlineData("unknown role 'nurse'", "--role", "nurse", "--org", Org)]
    [InlineData("--org 'Testikunta' is not an OID", "--role", "system", "--org", "Testikunta")]
    [InlineData("--user is required for the role professional", "--role", "professional", "--org", Org)]
    [InlineData("--user '10009901' is not of the form system|value", "--role", "responsible-worker", "--org", Org, "--user", "10009901")]
    [InlineData("--lifetime '8x'", "--role", "system", "--org", Org, "--lifetime", "8x")]
    [InlineData("--lifetime '0h'", "--role", "system", "--org", Org, "--lifetime", "0h")]
    [InlineData("--lifetime '999d'", "--role", "system", "--org", Org, "--lifetime", "999d")]
    [InlineData("Unknown option --password", "--role", "system", "--org", Org, "--password", "x")]
    [InlineData("unexpected argument 'extra'", "extra", "--role", "system", "--org", Org)]
    public void Usage_errors_exit_two_with_a_message(string message, params string[] args)
    {
        var result = Cli.Run(["token", .. args, "--key-file", KeyFile]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
        Assert.Equal("", result.Output);
    }

    [Fact]
    public void Unreadable_key_file_exits_two()
    {
        var broken = _folder.File("broken.json", "{ not json");

        var result = Cli.Run("token", "--role", "system", "--org", Org, "--key-file", broken);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("is not valid", result.Error, StringComparison.Ordinal);
    }
}
