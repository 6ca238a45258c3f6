using FhirBridge.Core.Fhir;
using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;

namespace FhirBridge.Server.Tests.Infrastructure;

/// <summary>Data of the statutory-plan sync tests, written by the system integration <c>client</c>.</summary>
public static class StatutoryPlanData
{
    private const string NextReviewDate = "https://fhirbridge.fi/fhir/StructureDefinition/next-review-date";

    /// <summary>A joint client whose Patient carries a (test) personal identity code, as the connected systems know them.</summary>
    public static async Task<(JointClientScenario S, string Hetu)> ClientWithHetuAsync(FhirClient client)
    {
        var s = await JointClientScenario.CreateAsync(client);
        var patient = await client.ReadAsync<Patient>($"Patient/{s.PatientId}");
        var hetu = TestHetu.New();
        patient!.Identifier.Add(new Identifier(FhirTest.HetuSystem, hetu));
        await client.UpdateAsync(patient);
        return (s, hetu);
    }

    /// <summary>A MultidisciplinaryPlan of the client with its JointCareTeam and joint-client episode (the package's examples, rewired).</summary>
    public static async Task<string> MultidisciplinaryPlanAsync(FhirClient client, string patientId, RequestStatus status)
    {
        var (team, episode) = ("urn:uuid:" + Guid.NewGuid(), "urn:uuid:" + Guid.NewGuid());
        Resource Example(string name) => FhirSerializer.ParseJson(
            File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "ProfileExamples", name + ".json"))
                .Replace("\"Patient/asiakas-1\"", $"\"Patient/{patientId}\"", StringComparison.Ordinal)
                .Replace("\"CareTeam/omatiimi-1\"", $"\"{team}\"", StringComparison.Ordinal)
                .Replace("\"EpisodeOfCare/yhteisasiakkuus-1\"", $"\"{episode}\"", StringComparison.Ordinal));
        var plan = (CarePlan)Example("CarePlan-monialainen-suunnitelma-1");
        plan.Status = status;
        plan.SupportingInfo = [];
        // Activated today: the follow-up review must fall 2–3 months later (the workflow's plan rules).
        var today = DateTime.UtcNow;
        plan.Period = new Period { Start = Day(today) };
        plan.SetExtension(NextReviewDate, new Date(Day(today.AddDays(70))));
        Bundle.EntryComponent Post(string fullUrl, Resource resource)
        {
            resource.Id = null;
            return new() { FullUrl = fullUrl, Resource = resource, Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = resource.TypeName } };
        }

        var response = await client.TransactionAsync(new Bundle
        {
            Type = Bundle.BundleType.Transaction,
            Entry = [Post(team, Example("CareTeam-omatiimi-1")), Post(episode, Example("EpisodeOfCare-yhteisasiakkuus-1")), Post("urn:uuid:" + Guid.NewGuid(), plan)],
        });
        return response!.Entry[2].Resource!.Id!;
    }

    private static string Day(DateTime date) => date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A document OID no other test uses.</summary>
    public static string NewDocumentOid() => $"1.2.246.10.23456789.10.{Random.Shared.Next(1, int.MaxValue)}.{Random.Shared.Next(1, int.MaxValue)}";
}
