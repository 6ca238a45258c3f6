using FhirBridge.Server.Tests.Infrastructure;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;

namespace FhirBridge.Server.Tests;

/// <summary>Bridge:StatutoryPlanSync:Interval: the scheduled sync runs by itself on a server that configures it.</summary>
public sealed class StatutoryPlanScheduleTests
{
    [Fact]
    public async Task With_an_interval_the_server_links_an_active_plans_statutory_plans_by_itself()
    {
        var server = SqliteFhirServer.With(new Dictionary<string, string?> { ["Bridge:StatutoryPlanSync:Interval"] = "00:00:00.300" });
        try
        {
            var client = server.Factory.CreateFhirClient();
            var (s, hetu) = await StatutoryPlanData.ClientWithHetuAsync(client);
            var planId = await StatutoryPlanData.MultidisciplinaryPlanAsync(client, s.PatientId, RequestStatus.Active);
            await using var ehr = await RegisteredFakeSystem.EhrAsync(server.Factory);
            var document = ehr.Fake.AddStatutoryPlan(hetu, StatutoryPlanData.NewDocumentOid(), "Terveys- ja hoitosuunnitelma");

            var linked = await WaitForLinkAsync(client, planId, TimeSpan.FromSeconds(30));

            var references = await client.SearchAsync<DocumentReference>([$"identifier=urn:ietf:rfc:3986|{document.MasterIdentifier!.Value}"]);
            var reference = Assert.Single(references!.Entry).Resource!;
            Assert.Equal($"DocumentReference/{reference.Id}", Assert.Single(linked.SupportingInfo).Reference);
            Assert.Empty(ehr.Fake.Received);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task Without_an_interval_the_scheduled_sync_is_off()
    {
        var server = SqliteFhirServer.With(new Dictionary<string, string?>());
        try
        {
            var client = server.Factory.CreateFhirClient();
            var (s, hetu) = await StatutoryPlanData.ClientWithHetuAsync(client);
            var planId = await StatutoryPlanData.MultidisciplinaryPlanAsync(client, s.PatientId, RequestStatus.Active);
            await using var ehr = await RegisteredFakeSystem.EhrAsync(server.Factory);
            ehr.Fake.AddStatutoryPlan(hetu, StatutoryPlanData.NewDocumentOid(), "Terveys- ja hoitosuunnitelma");

            await Task.Delay(TimeSpan.FromSeconds(1.5));

            Assert.Empty((await client.ReadAsync<CarePlan>($"CarePlan/{planId}"))!.SupportingInfo);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("Interval", "-00:00:01", "Bridge:StatutoryPlanSync:Interval must not be negative")]
    [InlineData("RequestTimeout", "00:00:00", "Bridge:StatutoryPlanSync:RequestTimeout must be positive.")]
    [InlineData("PageSize", "0", "Bridge:StatutoryPlanSync:PageSize must be positive.")]
    public async Task Invalid_sync_settings_stop_the_host_from_starting(string key, string value, string message)
    {
        var settings = FhirServerFactory.BaseSettings();
        settings["Storage:Provider"] = "sqlite";
        settings["Storage:SqlitePath"] = Path.Combine(Path.GetTempPath(), "fhirbridge-server-tests", FhirTest.Unique(), "fhirbridge.db");
        settings[$"Bridge:StatutoryPlanSync:{key}"] = value;
        await using var factory = new FhirServerFactory(settings);

        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => factory.CreateClient());

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    private static async Task<CarePlan> WaitForLinkAsync(Hl7.Fhir.Rest.FhirClient client, string planId, TimeSpan timeout)
    {
        var until = DateTimeOffset.UtcNow + timeout;
        while (true)
        {
            var plan = (await client.ReadAsync<CarePlan>($"CarePlan/{planId}"))!;
            if (plan.SupportingInfo.Count > 0 || DateTimeOffset.UtcNow > until)
            {
                return plan;
            }

            await Task.Delay(200);
        }
    }
}
