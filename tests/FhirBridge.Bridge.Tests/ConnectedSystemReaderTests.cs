using FhirBridge.Bridge.ConnectedSystems;
using Hl7.Fhir.Model;

namespace FhirBridge.Bridge.Tests;

public class ConnectedSystemReaderTests
{
    [Fact]
    public void Reads_a_registered_patient_record_system()
    {
        var problems = new List<string>();
        var endpoint = Endpoint();
        endpoint.PayloadType = [new CodeableConcept(ConnectedSystemReader.ResourceTypeSystem, "CarePlan"), new CodeableConcept(ConnectedSystemReader.ResourceTypeSystem, "Consent")];
        endpoint.SetStringExtension(ConnectedSystemReader.CredentialExtension, "ehr-token");

        var system = ConnectedSystemReader.Read(endpoint, Organization(), problems);

        Assert.Empty(problems);
        Assert.NotNull(system);
        Assert.Equal("ep1", system.EndpointId);
        Assert.Equal("Potilastietojärjestelmä", system.Name);
        Assert.Equal(new Uri("http://127.0.0.1:5101/fhir"), system.BaseUrl);
        Assert.Equal("org1", system.OrganizationId);
        Assert.Equal("1.2.246.10.23456789", system.OrganizationOid);
        Assert.Equal(ConnectedSystemKind.PatientRecord, system.Kind);
        Assert.Equal(["CarePlan", "Consent"], system.ResourceTypes.Order());
        Assert.True(system.Receives("CarePlan"));
        Assert.False(system.Receives("CareTeam"));
        Assert.Equal("ehr-token", system.CredentialName);
    }

    [Fact]
    public void Without_payload_types_a_system_receives_every_joint_client_type()
    {
        var system = ConnectedSystemReader.Read(Endpoint(ConnectedSystemReader.SocialWelfareCode), Organization(), []);

        Assert.NotNull(system);
        Assert.Equal(ConnectedSystemKind.SocialWelfare, system.Kind);
        Assert.Equal(["CarePlan", "CareTeam", "Consent", "EpisodeOfCare", "Task"], system.ResourceTypes.Order());
        Assert.Null(system.CredentialName);
    }

    [Fact]
    public void Names_every_problem_of_an_unusable_endpoint()
    {
        var endpoint = Endpoint("lab");
        endpoint.Status = Hl7.Fhir.Model.Endpoint.EndpointStatus.Off;
        endpoint.Address = "ftp://example";
        endpoint.ConnectionType = new Coding(ConnectedSystemReader.ConnectionTypeSystem, "hl7-fhir-msg");
        endpoint.PayloadType = [new CodeableConcept(ConnectedSystemReader.ResourceTypeSystem, "Observation")];
        var organization = Organization();
        organization.Identifier = [new Identifier("http://example.org/ids", "x")];
        var problems = new List<string>();

        Assert.Null(ConnectedSystemReader.Read(endpoint, organization, problems));

        Assert.Equal(
            [
                "Endpoint.status: is Off, not active",
                $"Endpoint.connectionType: must be {ConnectedSystemReader.ConnectionTypeSystem}|hl7-fhir-rest",
                "Endpoint.address: 'ftp://example' is not an absolute http(s) URL",
                $"Endpoint.extension('{ConnectedSystemReader.KindExtension}'): must be patient-record or social-welfare, not 'lab'",
                "Endpoint.payloadType: 'Observation' is not a type the bridge pushes (CarePlan, CareTeam, EpisodeOfCare, Consent, Task)",
                "Endpoint.managingOrganization: Organization/org1 has no OID identifier",
            ],
            problems);
    }

    [Fact]
    public void Requires_the_managing_organization()
    {
        var endpoint = Endpoint();
        var problems = new List<string>();
        Assert.Null(ConnectedSystemReader.Read(endpoint, null, problems));
        Assert.Equal(["Endpoint.managingOrganization: Organization/org1 was not found"], problems);

        endpoint.ManagingOrganization = null;
        problems.Clear();
        Assert.Null(ConnectedSystemReader.Read(endpoint, Organization(), problems));
        Assert.Equal(["Endpoint.managingOrganization: the Organization of the system is required"], problems);
    }

    [Theory]
    [InlineData("urn:oid:1.2.246.10.23456789", null)]
    [InlineData("urn:ietf:rfc:3986", "urn:oid:1.2.246.10.23456789")]
    [InlineData("urn:ietf:rfc:3986", "1.2.246.10.23456789")]
    public void Reads_the_oid_in_each_form_organisations_carry_it(string system, string? value)
    {
        var organization = Organization();
        organization.Identifier = [new Identifier(system, value)];

        Assert.Equal("1.2.246.10.23456789", ConnectedSystemReader.Read(Endpoint(), organization, [])?.OrganizationOid);
    }

    private static Endpoint Endpoint(string kind = ConnectedSystemReader.PatientRecordCode)
    {
        var endpoint = new Endpoint
        {
            Id = "ep1",
            Status = Hl7.Fhir.Model.Endpoint.EndpointStatus.Active,
            ConnectionType = new Coding(ConnectedSystemReader.ConnectionTypeSystem, ConnectedSystemReader.FhirRestCode),
            Address = "http://127.0.0.1:5101/fhir/",
            ManagingOrganization = new ResourceReference("Organization/org1"),
        };
        endpoint.AddExtension(ConnectedSystemReader.KindExtension, new Code(kind));
        return endpoint;
    }

    private static Organization Organization() => new()
    {
        Id = "org1",
        Active = true,
        Name = "Potilastietojärjestelmä",
        Identifier = [new Identifier("urn:ietf:rfc:3986", "urn:oid:1.2.246.10.23456789")],
    };
}
