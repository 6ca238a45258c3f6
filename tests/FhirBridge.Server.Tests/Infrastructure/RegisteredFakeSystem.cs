extern alias fakes;

using FhirBridge.Bridge.ConnectedSystems;
using fakes::FhirBridge.Fakes;
using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;

namespace FhirBridge.Server.Tests.Infrastructure;

/// <summary>
/// A fake connected system on a loopback port, registered in the server as an active FHIR REST Endpoint with its
/// Organization. Disposing switches the Endpoint off (tests share the database) and stops the fake.
/// </summary>
public sealed class RegisteredFakeSystem : IAsyncDisposable
{
    private readonly FhirClient _admin;

    private RegisteredFakeSystem(FhirClient admin, FakeFhirSystem fake, Endpoint endpoint)
    {
        _admin = admin;
        Fake = fake;
        Endpoint = endpoint;
    }

    public FakeFhirSystem Fake { get; }

    public Endpoint Endpoint { get; private set; }

    public string EndpointId => Endpoint.Id!;

    /// <summary>A fake patient-record system (EHR), registered in <paramref name="server"/> by an administrator (only they register connected systems).</summary>
    public static Task<RegisteredFakeSystem> EhrAsync(FhirServerFactory server) => StartAsync(server, FakeSystemKind.Ehr);

    /// <summary>A fake social-welfare client system, registered in <paramref name="server"/> by an administrator.</summary>
    public static Task<RegisteredFakeSystem> SocialWelfareAsync(FhirServerFactory server) => StartAsync(server, FakeSystemKind.SocialWelfare);

    private static async Task<RegisteredFakeSystem> StartAsync(FhirServerFactory server, FakeSystemKind kind)
    {
        var admin = server.CreateFhirClient(TestTokens.Administrator);
        // Each test's systems are organisations of their own, so what one test registered never answers for another.
        var fake = await FakeFhirSystem.StartAsync(new FakeFhirSystemOptions { Kind = kind, OrganizationOid = $"1.2.246.10.{Random.Shared.Next(10_000_000, 99_999_999)}" });
        var name = $"{(kind == FakeSystemKind.Ehr ? "Potilastietojärjestelmä" : "Sosiaalihuollon asiakastietojärjestelmä")} {FhirTest.Unique()[..8]}";
        var organization = await admin.CreateAsync(new Organization
        {
            Active = true,
            Name = name,
            Identifier = [new Identifier("urn:ietf:rfc:3986", "urn:oid:" + fake.OrganizationOid)],
        });
        var endpoint = new Endpoint
        {
            Status = Hl7.Fhir.Model.Endpoint.EndpointStatus.Active,
            ConnectionType = new Coding(ConnectedSystemReader.ConnectionTypeSystem, ConnectedSystemReader.FhirRestCode),
            Name = name,
            ManagingOrganization = new ResourceReference($"Organization/{organization!.Id}"),
            PayloadType = [new CodeableConcept(ConnectedSystemReader.ResourceTypeSystem, "CarePlan")],
            Address = fake.BaseUrl.ToString(),
        };
        endpoint.SetExtension(ConnectedSystemReader.KindExtension,
            new Code(kind == FakeSystemKind.Ehr ? ConnectedSystemReader.PatientRecordCode : ConnectedSystemReader.SocialWelfareCode));
        return new RegisteredFakeSystem(admin, fake, (await admin.CreateAsync(endpoint))!);
    }

    public async ValueTask DisposeAsync()
    {
        Endpoint.Status = Hl7.Fhir.Model.Endpoint.EndpointStatus.Off;
        Endpoint = (await _admin.UpdateAsync(Endpoint))!;
        await Fake.DisposeAsync();
    }
}

/// <summary>Test personal identity codes (henkilötunnus): 9 as the 8th character marks them as test codes; the check character is valid.</summary>
public static class TestHetu
{
    private const string CheckCharacters = "0123456789ABCDEFHJKLMNPRSTUVWXY";

    public static string New()
    {
        var day = Random.Shared.Next(1, 29);
        var month = Random.Shared.Next(1, 13);
        var year = Random.Shared.Next(0, 100);
        var individual = 900 + Random.Shared.Next(2, 100);
        var number = (day * 10_000_000L) + (month * 100_000L) + (year * 1_000L) + individual;
        return $"{day:00}{month:00}{year:00}-{individual}{CheckCharacters[(int)(number % 31)]}";
    }
}
