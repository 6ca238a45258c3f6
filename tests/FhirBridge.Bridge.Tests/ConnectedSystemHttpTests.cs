using FhirBridge.Bridge.ConnectedSystems;

namespace FhirBridge.Bridge.Tests;

public class ConnectedSystemHttpTests
{
    private static readonly HashSet<string> Types = ["CarePlan"];

    [Fact]
    public void A_request_goes_under_the_base_with_the_systems_token()
    {
        var system = System("ehr");
        var credentials = new BridgeCredentials(new Dictionary<string, string> { ["ehr"] = "secret-token" });

        using var request = ConnectedSystemHttp.Request(HttpMethod.Put, system, "/CarePlan?identifier=a%7Cb", credentials);

        Assert.Equal("http://127.0.0.1:5101/fhir/CarePlan?identifier=a%7Cb", request.RequestUri!.AbsoluteUri);
        Assert.Equal("Bearer secret-token", request.Headers.Authorization?.ToString());
        Assert.Equal(ConnectedSystemHttp.FhirJson, Assert.Single(request.Headers.Accept).MediaType);
        Assert.True(request.Options.TryGetValue(ConnectedSystemHttp.EndpointOption, out var endpoint));
        Assert.Equal("ep1", endpoint);
    }

    [Fact]
    public void A_system_without_a_credential_gets_no_authorization_header()
    {
        using var request = ConnectedSystemHttp.Request(HttpMethod.Get, System(null), "DocumentReference", new BridgeCredentials(new Dictionary<string, string>()));

        Assert.Null(request.Headers.Authorization);
    }

    [Fact]
    public void A_credential_that_is_not_configured_is_named()
    {
        var error = Assert.Throws<ConnectedSystemException>(
            () => ConnectedSystemHttp.Request(HttpMethod.Get, System("missing"), "metadata", new BridgeCredentials(new Dictionary<string, string>())));

        Assert.Equal("Endpoint/ep1 names the credential 'missing', but Bridge:Credentials:missing is not configured.", error.Message);
    }

    private static ConnectedSystem System(string? credential) =>
        new("ep1", "EHR", new Uri("http://127.0.0.1:5101/fhir"), "org1", "1.2.246.10.23456789", ConnectedSystemKind.PatientRecord, Types, credential);
}
