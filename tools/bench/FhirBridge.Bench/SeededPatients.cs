using System.Net;

namespace FhirBridge.Bench;

/// <summary>Patients created once before the read and search scenarios, so they have something to find.</summary>
internal sealed class SeededPatients(HttpClient http, int count)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private List<(string Id, string BenchId)>? _patients;

    public (string Id, string BenchId) Pick()
    {
        var patients = _patients ?? throw new InvalidOperationException("Patients are not seeded yet.");
        return patients[Random.Shared.Next(patients.Count)];
    }

    public async Task EnsureAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            _patients ??= await SeedAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<List<(string Id, string BenchId)>> SeedAsync(CancellationToken cancellationToken)
    {
        var patients = new List<(string Id, string BenchId)>(count);
        for (var i = 0; i < count; i++)
        {
            var benchId = PatientJson.NewBenchId();
            using var response = await FhirHttp.CreatePatientAsync(http, benchId, cancellationToken);
            if (response.StatusCode != HttpStatusCode.Created)
            {
                throw new InvalidOperationException($"Seeding failed: POST Patient answered {(int)response.StatusCode}.");
            }

            patients.Add((IdFromLocation(response), benchId));
        }

        return patients;
    }

    // Location is {base}/Patient/{id}/_history/{vid} (https://hl7.org/fhir/R4/http.html#create).
    private static string IdFromLocation(HttpResponseMessage response)
    {
        var location = response.Headers.Location ?? throw new InvalidOperationException("Create answered without a Location header.");
        var segments = location.OriginalString.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var patient = Array.LastIndexOf(segments, "Patient");
        return patient >= 0 && patient + 1 < segments.Length
            ? segments[patient + 1]
            : throw new InvalidOperationException($"Unexpected Location header '{location}'.");
    }
}
