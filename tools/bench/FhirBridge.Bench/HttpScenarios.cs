using System.Net;
using System.Text;

namespace FhirBridge.Bench;

/// <summary>Baseline 1: an empty endpoint on the same Kestrel host (mapped when FhirServer:BenchmarkNoopEndpoint=true).</summary>
internal sealed class NoopScenario(HttpClient http) : IScenario
{
    public string Name => "noop";

    public Task PrepareAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task<bool> ExecuteAsync(CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync("bench/noop", cancellationToken);
        return response.IsSuccessStatusCode;
    }
}

/// <summary>FHIR create: POST a new Patient.</summary>
internal sealed class CreateScenario(HttpClient http) : IScenario
{
    public string Name => "create";

    public Task PrepareAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task<bool> ExecuteAsync(CancellationToken cancellationToken)
    {
        using var response = await FhirHttp.CreatePatientAsync(http, PatientJson.NewBenchId(), cancellationToken);
        return await FhirHttp.ExpectAsync(response, HttpStatusCode.Created, cancellationToken);
    }
}

/// <summary>FHIR read: GET a random seeded Patient by id.</summary>
internal sealed class ReadScenario(HttpClient http, SeededPatients seeded) : IScenario
{
    public string Name => "read";

    public Task PrepareAsync(CancellationToken cancellationToken) => seeded.EnsureAsync(cancellationToken);

    public async Task<bool> ExecuteAsync(CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync($"fhir/Patient/{seeded.Pick().Id}", cancellationToken);
        return await FhirHttp.ExpectAsync(response, HttpStatusCode.OK, cancellationToken);
    }
}

/// <summary>FHIR search: GET Patient?identifier=system|value of a random seeded Patient.</summary>
internal sealed class SearchScenario(HttpClient http, SeededPatients seeded) : IScenario
{
    public string Name => "search";

    public Task PrepareAsync(CancellationToken cancellationToken) => seeded.EnsureAsync(cancellationToken);

    public async Task<bool> ExecuteAsync(CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(FhirHttp.SearchByBenchIdUrl(seeded.Pick().BenchId), cancellationToken);
        return await FhirHttp.ExpectAsync(response, HttpStatusCode.OK, cancellationToken);
    }
}

/// <summary>The FHIR requests shared by the scenarios and the seeding.</summary>
internal static class FhirHttp
{
    public static Task<HttpResponseMessage> CreatePatientAsync(HttpClient http, string benchId, CancellationToken cancellationToken) =>
        http.PostAsync(
            "fhir/Patient",
            new StringContent(PatientJson.Create(benchId), Encoding.UTF8, "application/fhir+json"),
            cancellationToken);

    /// <summary>True for the expected status; otherwise throws with the status and the start of the body (an OperationOutcome).</summary>
    public static async Task<bool> ExpectAsync(HttpResponseMessage response, HttpStatusCode expected, CancellationToken cancellationToken)
    {
        if (response.StatusCode == expected)
        {
            return true;
        }

        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        throw new HttpRequestException($"answered {(int)response.StatusCode}: {body[..Math.Min(body.Length, 300)]}");
    }

    public static string SearchByBenchIdUrl(string benchId) =>
        $"fhir/Patient?identifier={Uri.EscapeDataString($"{PatientJson.BenchIdentifierSystem}|{benchId}")}";
}
