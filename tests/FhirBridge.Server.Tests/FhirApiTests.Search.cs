using System.Net;
using FhirBridge.Server.Tests.Infrastructure;
using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;
using Task = System.Threading.Tasks.Task;

namespace FhirBridge.Server.Tests;

public abstract partial class FhirApiTests
{
    [Fact]
    public async Task Search_pages_through_all_matches_following_next_links()
    {
        var family = "Paging" + FhirTest.Unique();
        var created = new HashSet<string>();
        for (var i = 0; i < 5; i++)
        {
            created.Add((await Client.CreateAsync(FhirTest.Patient(family)))!.Id!);
        }

        var found = new List<string>();
        var page = await Client.SearchAsync<Patient>([$"family={family}", "_count=2"]);
        var pages = 0;
        while (page is not null)
        {
            pages++;
            Assert.Equal(Bundle.BundleType.Searchset, page.Type);
            found.AddRange(page.Entry.Where(e => e.Search?.Mode == Bundle.SearchEntryMode.Match).Select(e => e.Resource!.Id!));
            page = await Client.ContinueAsync(page);
        }

        Assert.Equal(3, pages);
        Assert.Equal(created.Order(), found.Order());
    }

    [Fact]
    public async Task Post_search_combines_form_and_query_parameters()
    {
        var family = "Form" + FhirTest.Unique();
        var patient = await Client.CreateAsync(FhirTest.Patient(family));
        await Client.CreateAsync(FhirTest.Patient(family));

        var content = new FormUrlEncodedContent([new("family", family)]);
        var response = await Http.PostAsync($"/fhir/Patient/_search?_id={patient!.Id}", content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var bundle = await FhirTest.ReadAsync<Bundle>(response);
        Assert.Equal([patient.Id], bundle.Entry.Where(e => e.Search?.Mode == Bundle.SearchEntryMode.Match).Select(e => e.Resource!.Id));
    }

    [Fact]
    public async Task Post_search_with_a_fhir_body_is_415()
    {
        var response = await Http.PostAsync("/fhir/Patient/_search", FhirTest.Json(FhirTest.Patient("Ojala")));

        await FhirTest.AssertOutcomeAsync(response, HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task Search_include_adds_the_referenced_patient()
    {
        var patient = await Client.CreateAsync(FhirTest.Patient("Kinnunen"));
        var observation = await Client.CreateAsync(new Observation
        {
            Status = ObservationStatus.Final,
            Code = new CodeableConcept("http://loinc.org", "29463-7"),
            Subject = new ResourceReference($"Patient/{patient!.Id}"),
        });

        var bundle = await Client.SearchAsync<Observation>([$"_id={observation!.Id}", "_include=Observation:subject"]);

        Assert.Equal(observation.Id, Assert.Single(bundle!.Entry, e => e.Search?.Mode == Bundle.SearchEntryMode.Match).Resource!.Id);
        var included = Assert.Single(bundle.Entry, e => e.Search?.Mode == Bundle.SearchEntryMode.Include);
        Assert.Equal(patient.Id, Assert.IsType<Patient>(included.Resource).Id);
    }

    [Fact]
    public async Task Unknown_search_parameter_is_a_warning_when_lenient()
    {
        var family = "Lenient" + FhirTest.Unique();
        await Client.CreateAsync(FhirTest.Patient(family));

        var response = await Http.GetAsync($"/fhir/Patient?family={family}&shoe-size=44");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var bundle = await FhirTest.ReadAsync<Bundle>(response);
        Assert.Single(bundle.Entry, e => e.Search?.Mode == Bundle.SearchEntryMode.Match);
        var outcome = Assert.IsType<OperationOutcome>(Assert.Single(bundle.Entry, e => e.Search?.Mode == Bundle.SearchEntryMode.Outcome).Resource);
        Assert.Contains(outcome.Issue, i => i.Severity == OperationOutcome.IssueSeverity.Warning && i.Expression.Contains("shoe-size"));
    }

    [Fact]
    public async Task Unknown_search_parameter_is_400_when_strict()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/fhir/Patient?family=x&shoe-size=44");
        request.Headers.TryAddWithoutValidation("Prefer", "handling=strict");

        var outcome = await FhirTest.AssertOutcomeAsync(await Http.SendAsync(request), HttpStatusCode.BadRequest);

        Assert.Contains(outcome.Issue, i => i.Expression.Contains("shoe-size"));
    }

    [Fact]
    public async Task Search_on_an_unknown_type_is_404()
    {
        await FhirTest.AssertOutcomeAsync(await Http.GetAsync("/fhir/Spaceship?name=x"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Search_by_finnish_identifier_finds_the_patient()
    {
        var patient = FhirTest.Patient("Hetula");
        var hetu = $"010190-9{Random.Shared.Next(100, 999)}X";
        patient.Identifier.Add(new Identifier(FhirTest.HetuSystem, hetu));
        var created = await Client.CreateAsync(patient);

        var bundle = await Client.SearchAsync<Patient>([$"identifier={FhirTest.HetuSystem}|{hetu}", $"_id={created!.Id}"]);

        Assert.Equal(created.Id, Assert.Single(bundle!.Entry).Resource!.Id);
    }
}
