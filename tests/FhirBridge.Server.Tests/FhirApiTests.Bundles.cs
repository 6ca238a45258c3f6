using System.Net;
using FhirBridge.Server.Tests.Infrastructure;
using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;
using Task = System.Threading.Tasks.Task;

namespace FhirBridge.Server.Tests;

public abstract partial class FhirApiTests
{
    [Fact]
    public async Task Transaction_creates_all_entries_and_rewrites_urn_uuid_references()
    {
        var patientUrn = $"urn:uuid:{Guid.NewGuid()}";
        var bundle = new Bundle { Type = Bundle.BundleType.Transaction };
        bundle.Entry.Add(new Bundle.EntryComponent
        {
            FullUrl = patientUrn,
            Resource = FhirTest.Patient("Transaktio"),
            Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "Patient" },
        });
        bundle.Entry.Add(new Bundle.EntryComponent
        {
            Resource = new Observation { Status = ObservationStatus.Final, Code = new CodeableConcept("http://loinc.org", "29463-7"), Subject = new ResourceReference(patientUrn) },
            Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "Observation" },
        });

        var response = await Client.TransactionAsync(bundle);

        Assert.Equal(Bundle.BundleType.TransactionResponse, response!.Type);
        Assert.All(response.Entry, e => Assert.StartsWith("201", e.Response!.Status));
        var patientId = response.Entry[0].Response!.Location!.Split('/')[1];
        var observationId = response.Entry[1].Response!.Location!.Split('/')[1];
        var observation = await Client.ReadAsync<Observation>($"Observation/{observationId}");
        Assert.Equal($"Patient/{patientId}", observation!.Subject!.Reference);
    }

    [Fact]
    public async Task Failing_transaction_stores_nothing_and_reports_the_error()
    {
        var testId = FhirTest.Unique();
        var mismatched = FhirTest.Patient("Väärä");
        mismatched.Id = "other-id";
        var bundle = new Bundle { Type = Bundle.BundleType.Transaction };
        bundle.Entry.Add(new Bundle.EntryComponent
        {
            FullUrl = $"urn:uuid:{Guid.NewGuid()}",
            Resource = FhirTest.Patient("Atominen", testId),
            Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "Patient" },
        });
        bundle.Entry.Add(new Bundle.EntryComponent
        {
            FullUrl = "http://localhost/fhir/Patient/this-id",
            Resource = mismatched,
            Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.PUT, Url = "Patient/this-id" },
        });

        var response = await Http.PostAsync("/fhir", FhirTest.Json(bundle));

        await FhirTest.AssertOutcomeAsync(response, HttpStatusCode.BadRequest);
        var found = await Client.SearchAsync<Patient>([$"identifier={FhirTest.TestIdSystem}|{testId}"]);
        Assert.DoesNotContain(found!.Entry, e => e.Resource is Patient);
    }

    [Fact]
    public async Task Batch_entries_succeed_or_fail_independently()
    {
        var bundle = new Bundle { Type = Bundle.BundleType.Batch };
        bundle.Entry.Add(new Bundle.EntryComponent
        {
            Resource = FhirTest.Patient("Erä"),
            Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "Patient" },
        });
        bundle.Entry.Add(new Bundle.EntryComponent
        {
            Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.GET, Url = $"Patient/{FhirTest.Unique()}" },
        });

        var response = await Client.TransactionAsync(bundle);

        Assert.Equal(Bundle.BundleType.BatchResponse, response!.Type);
        Assert.StartsWith("201", response.Entry[0].Response!.Status);
        Assert.StartsWith("404", response.Entry[1].Response!.Status);
    }

    [Fact]
    public async Task Posting_a_non_bundle_to_the_base_is_400()
    {
        await FhirTest.AssertOutcomeAsync(await Http.PostAsync("/fhir", FhirTest.Json(FhirTest.Patient("Kanta"))), HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("collection")]
    [InlineData("transaction-response")]
    public async Task Bundle_of_another_type_is_400_naming_the_type_by_its_code(string type)
    {
        var body = $"{{\"resourceType\":\"Bundle\",\"type\":\"{type}\"}}";

        var outcome = await FhirTest.AssertOutcomeAsync(await Http.PostAsync("/fhir", FhirTest.Json(body)), HttpStatusCode.BadRequest);

        Assert.Contains(outcome.Issue, i => i.Diagnostics!.Contains($"'{type}'", StringComparison.Ordinal));
    }
}
