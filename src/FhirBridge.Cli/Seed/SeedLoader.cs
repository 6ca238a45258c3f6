using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using FhirBridge.Core.Fhir;
using Hl7.Fhir.Model;

namespace FhirBridge.Cli.Seed;

/// <summary>What a load did: clients and resources written, and how long it took.</summary>
public sealed record SeedResult(int Patients, int Resources, TimeSpan Elapsed)
{
    public double PatientsPerSecond => Patients / Math.Max(Elapsed.TotalSeconds, 0.001);
}

/// <summary>A server refused a seed transaction: the status and the OperationOutcome's diagnostics.</summary>
public sealed class SeedException(string message) : Exception(message);

/// <summary>
/// Loads a generated population through the public FHIR API: the directory first, then the clients as transaction
/// Bundles, <paramref name="parallelism"/> at a time. Authenticated with <paramref name="token"/> (a system integration).
/// </summary>
public sealed class SeedLoader(HttpClient http, Uri fhirBase, string token, int parallelism = 4)
{
    public const int DefaultClientsPerBundle = 25;

    public async Task<SeedResult> LoadAsync(PopulationGenerator population, int clientsPerBundle, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(population);
        var watch = Stopwatch.StartNew();
        var resources = await PostAsync(population.DirectoryBundle(), cancellationToken);
        await Parallel.ForEachAsync(
            population.ClientBundles(clientsPerBundle),
            new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
            async (bundle, token) => Interlocked.Add(ref resources, await PostAsync(bundle, token)));
        return new SeedResult(population.Options.Patients, resources, watch.Elapsed);
    }

    /// <summary>How often a transaction is sent again after the server answered that a concurrent write won (409, 412) or it was busy (503).</summary>
    public const int Attempts = 5;

    private async Task<int> PostAsync(Bundle bundle, CancellationToken cancellationToken)
    {
        var json = FhirSerializer.ToJson(bundle);
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, fhirBase)
            {
                Content = new StringContent(json, Encoding.UTF8, "application/fhir+json"),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/fhir+json"));
            // The transaction's response is not needed; minimal keeps it small.
            request.Headers.Add("Prefer", "return=minimal");
            using var response = await http.SendAsync(request, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return bundle.Entry.Count;
            }

            // Parallel transactions may lose a race on PostgreSQL (serialization failure): the server says to retry.
            if (attempt < Attempts && response.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.PreconditionFailed or HttpStatusCode.ServiceUnavailable)
            {
                await System.Threading.Tasks.Task.Delay(TimeSpan.FromMilliseconds(100 * attempt * attempt), cancellationToken);
                continue;
            }

            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new SeedException($"POST {fhirBase} answered {(int)response.StatusCode} {response.ReasonPhrase}: {Diagnostics(body)}");
        }
    }

    private static string Diagnostics(string body)
    {
        try
        {
            return FhirSerializer.ParseJson(body) is OperationOutcome outcome
                ? string.Join(" | ", outcome.Issue.Select(i => $"{string.Join(",", i.Expression)}: {i.Diagnostics}"))
                : body;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return body.Length > 500 ? body[..500] : body;
        }
    }
}
