using FhirBridge.Core.Fhir;
using FhirBridge.Core.Security;
using Hl7.Fhir.Model;

namespace FhirBridge.Core.Tests.Security;

public sealed class PatientCompartmentTests
{
    [Theory]
    [InlineData("Patient/p1")]
    [InlineData("Patient/p1/_history/3")]
    [InlineData("https://fhir.example.fi/fhir/Patient/p1")]
    public void PatientsOf_ReadsEveryReferenceForm(string reference)
    {
        var plan = new CarePlan { Subject = new ResourceReference(reference) };

        Assert.Equal(["p1"], PatientCompartment.PatientsOf(plan));
        Assert.Equal(["p1"], PatientCompartment.PatientsOf("CarePlan", FhirSerializer.ToJson(plan)));
    }

    public static TheoryData<Resource, string[]> Resources => new()
    {
        { new Patient { Id = "p1" }, ["p1"] },
        { new CareTeam { Subject = new ResourceReference("Patient/p1") }, ["p1"] },
        { new EpisodeOfCare { Patient = new ResourceReference("Patient/p1") }, ["p1"] },
        { new Consent { Patient = new ResourceReference("Patient/p1") }, ["p1"] },
        { new Hl7.Fhir.Model.Task { For = new ResourceReference("Patient/p1") }, ["p1"] },
        { new Provenance { Target = [new ResourceReference("Patient/p1"), new ResourceReference("CarePlan/x"), new ResourceReference("Patient/p2"), new ResourceReference("Patient/p1")] }, ["p1", "p2"] },
        { new Observation { Subject = new ResourceReference("Group/g1") }, [] },
        { new Practitioner { Id = "d1" }, [] },
        { new Organization { Id = "o1" }, [] },
    };

    [Theory]
    [MemberData(nameof(Resources))]
    public void PatientsOf_JsonAndPoco_Agree(Resource resource, string[] expected)
    {
        Assert.Equal(expected, PatientCompartment.PatientsOf(resource));
        Assert.Equal(expected, PatientCompartment.PatientsOf(resource.TypeName, FhirSerializer.ToJson(resource)));
    }

    [Theory]
    [InlineData("Patient", "_id", null)]
    [InlineData("CarePlan", "subject", "plan")]
    [InlineData("Task", "subject", "plan")]
    [InlineData("CareTeam", "subject", "care-team")]
    [InlineData("Encounter", "subject", "episode")]
    [InlineData("EpisodeOfCare", "patient", "episode")]
    [InlineData("DocumentReference", "subject", "documents")]
    [InlineData("Consent", "patient", null)]
    [InlineData("Practitioner", null, null)]
    public void SearchParameterAndDataClass(string type, string? parameter, string? dataClass)
    {
        Assert.Equal(parameter, PatientCompartment.SearchParameter(type));
        Assert.Equal(dataClass, PatientCompartment.DataClass(type));
        Assert.Equal(parameter is not null, PatientCompartment.IsClientData(type));
    }

    [Fact]
    public void DirectoryTypes_AreNotClientData()
    {
        Assert.All(["Practitioner", "PractitionerRole", "Organization", "Endpoint"], t => Assert.True(PatientCompartment.IsDirectory(t)));
        Assert.False(PatientCompartment.IsDirectory("Patient"));
        Assert.False(PatientCompartment.IsClientData("AuditEvent"));
    }
}
