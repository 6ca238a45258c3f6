using System.Net;
using FhirBridge.Fakes;
using Hl7.Fhir.Rest;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;

namespace FhirBridge.Fakes.Tests;

public sealed class SideBySideTests : FakeTestBase
{
    [Fact]
    public async Task Two_fakes_run_on_different_ports_with_separate_data_and_faults()
    {
        await using var social = await FakeFhirSystem.StartAsync(FakeSystemKind.SocialWelfare);
        using var socialHttp = NewHttp(social, TimeSpan.FromSeconds(10));
        social.Faults.FailNext(1);

        using var toEhr = await PutByIdentifierAsync(Plan("plan-s", "1"));
        using var toSocial = await socialHttp.PutAsync($"fhir/CarePlan?identifier={PlanIdentifierSystem}|plan-s", Body(Plan("plan-s", "1")));

        Assert.NotEqual(Fake.Port, social.Port);
        Assert.Equal(HttpStatusCode.Created, toEhr.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, toSocial.StatusCode);
        Assert.Single(Fake.Received);
        Assert.Empty(social.Received);
    }

    [Fact]
    public async Task A_fake_starts_on_a_given_port()
    {
        await using var probe = await FakeFhirSystem.StartAsync(FakeSystemKind.Ehr);
        var port = probe.Port;
        await probe.RefuseConnectionsAsync();

        await using var fixedPort = await FakeFhirSystem.StartAsync(FakeSystemKind.SocialWelfare, port);
        var metadata = await NewFhirClient(fixedPort).CapabilityStatementAsync();

        Assert.Equal(new Uri($"http://127.0.0.1:{port}/fhir"), fixedPort.BaseUrl);
        Assert.Equal(CapabilityStatementKind.Instance, metadata!.Kind);
    }
}
