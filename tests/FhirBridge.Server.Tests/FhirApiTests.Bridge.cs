extern alias fakes;

using System.Net;
using FhirBridge.Bridge.ConnectedSystems;
using FhirBridge.Bridge.Outbound;
using FhirBridge.Core.Security;
using fakes::FhirBridge.Fakes;
using FhirBridge.Server.Tests.Infrastructure;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;

namespace FhirBridge.Server.Tests;

/// <summary>
/// Issue #5, outbound: connected systems registered by administrators; every change of a joint-client resource is pushed,
/// through the outbox, to the fake connected systems (real HTTP on loopback) whose organisation the client's consent
/// covers — under faults, restarts and consent withdrawal — and every push is in the disclosure log.
/// </summary>
public abstract partial class FhirApiTests
{
    private static readonly TimeSpan DeliveryWait = TimeSpan.FromSeconds(30);

    private HttpClient BridgeAdmin => _bridgeAdmin ??= Factory.CreateClient(TestTokens.For(CallerRole.Administrator, TestTokens.Organization, BridgeAdminUser, "user/*.cruds"));

    private HttpClient? _bridgeAdmin;

    private string BridgeAdminUser { get; } = $"urn:oid:1.2.246.537.26|9{Random.Shared.Next(10_000_000, 99_999_999)}";

    [Fact]
    public async Task Push_ReachesOnlySystemsTheConsentCovers_AndRecordsWhyOthersAreWithheld()
    {
        await using var consented = await ConnectAsync(FakeSystemKind.Ehr);
        await using var unconsented = await ConnectAsync(FakeSystemKind.SocialWelfare);
        await using var denied = await ConnectAsync(FakeSystemKind.SocialWelfare);
        var patient = await NewClientAsync();
        var consent = await Client.CreateAsync(DisclosureConsent(patient, consented.Oid, Consent.ConsentProvisionType.Permit));
        // The denial first: were the permit alone in force for a moment, the worker could rightly deliver under it.
        await Client.CreateAsync(DisclosureConsent(patient, denied.Oid, Consent.ConsentProvisionType.Deny));
        await Client.CreateAsync(DisclosureConsent(patient, denied.Oid, Consent.ConsentProvisionType.Permit));
        var plan = await Client.CreateAsync(NewPlan(patient));

        // The consented system gets the plan and the client's three consents (as any caller the consent covers may read them).
        await consented.Fake.WaitForDeliveriesAsync(4, DeliveryWait);
        var planRows = await WaitForRowsAsync(unconsented, rows => rows.Any(r => Part(r, "resource") == $"CarePlan/{plan!.Id}/_history/1" && Part(r, "status") != "pending"));
        var deniedRows = await WaitForRowsAsync(denied, rows => rows.Count(r => Part(r, "status") == "withheld") >= 1 && rows.Any(r => Part(r, "resource")!.StartsWith("CarePlan/", StringComparison.Ordinal) && Part(r, "status") != "pending"));

        var received = consented.Fake.ReceivedFor("CarePlan", plan!.Id!);
        Assert.Equal("1", Assert.Single(received, r => r.InEffect).VersionId);
        Assert.Contains(((CarePlan)received[0].Resource).Identifier, i => i.System == Pusher.SourceIdentifierSystem && i.Value == $"http://localhost:8080/fhir/CarePlan/{plan.Id}");
        Assert.Empty(unconsented.Fake.ReceivedFor("CarePlan", plan.Id!));
        Assert.Empty(denied.Fake.ReceivedFor("CarePlan", plan.Id!));
        var withheld = Assert.Single(planRows, r => Part(r, "resource") == $"CarePlan/{plan.Id}/_history/1");
        Assert.Equal("withheld", Part(withheld, "status"));
        Assert.Equal($"No active permit consent of Patient/{patient} covers organisation {unconsented.Oid} for CarePlan (plan data) and purpose CAREMGT, or an active denial covers it.", Part(withheld, "reason"));
        Assert.Equal("withheld", Part(Assert.Single(deniedRows, r => Part(r, "resource") == $"CarePlan/{plan.Id}/_history/1"), "status"));

        // Exactly one disclosure per delivered version (the plan and three consents), to the consented organisation only, naming the consent used.
        var disclosures = await SearchLogAsync($"patient={patient}&type=disclosure&organization=urn:oid:{consented.Oid}");
        Assert.Equal(4, disclosures.Count);
        var planDisclosure = Assert.Single(disclosures, d => d.Entity.Any(e => e.What?.Reference == $"CarePlan/{plan.Id}/_history/1"));
        Assert.Equal(["disclosing-controller", "recipient"], planDisclosure.Agent.Select(a => a.Type?.Coding[0].Code));
        Assert.Equal("urn:oid:" + consented.Oid, planDisclosure.Agent[1].Who?.Identifier?.System);
        Assert.Contains(planDisclosure.Entity, e => e.What?.Reference == $"Consent/{consent!.Id}");
        Assert.NotNull(planDisclosure.Period?.Start);
        Assert.Empty(await SearchLogAsync($"patient={patient}&type=disclosure&organization=urn:oid:{unconsented.Oid}"));
        Assert.Empty(await SearchLogAsync($"patient={patient}&type=disclosure&organization=urn:oid:{denied.Oid}"));
    }

    [Fact]
    public async Task Push_UnderFaults_DeliversEveryChangeExactlyOnceInEffect_InOrder()
    {
        await using var system = await ConnectAsync(FakeSystemKind.Ehr);
        var patient = await NewClientAsync();
        await Client.CreateAsync(DisclosureConsent(patient, system.Oid, Consent.ConsentProvisionType.Permit));
        await system.Fake.WaitForDeliveriesAsync(1, DeliveryWait);

        system.Fake.Faults.FailNext(2, 503);
        var plan = await Client.CreateAsync(NewPlan(patient));
        await system.Fake.WaitForDeliveriesAsync(2, DeliveryWait);
        system.Fake.Faults.HangNext(1);
        system.Fake.Faults.WrongContentNext(1, WrongContentKind.Html);
        plan!.Title = "Toinen versio";
        plan = await Client.UpdateAsync(plan);
        await system.Fake.WaitForDeliveriesAsync(3, DeliveryWait);
        system.Fake.Faults.WrongContentNext(1, WrongContentKind.InvalidJson);
        await system.Fake.RefuseConnectionsAsync();
        plan!.Title = "Kolmas versio";
        plan = await Client.UpdateAsync(plan);
        await Task.Delay(500);
        await system.Fake.RestoreConnectionsAsync();
        await system.Fake.WaitForDeliveriesAsync(4, DeliveryWait);

        var inEffect = system.Fake.ReceivedFor("CarePlan", plan!.Id!).Where(r => r.InEffect).Select(r => r.VersionId).ToList();
        Assert.Equal(["1", "2", "3"], inEffect);
        Assert.Single(system.Fake.Store.Find("CarePlan", r => r.Id == plan.Id));
        Assert.Equal("Kolmas versio", ((CarePlan)system.Fake.Store.Get("CarePlan", plan.Id!)!).Title);
        var rows = await WaitForRowsAsync(system, rows => rows.Count(r => Part(r, "status") == "done") == 4);
        Assert.All(rows, r => Assert.Equal("done", Part(r, "status")));
        Assert.Contains(rows, r => int.Parse(Part(r, "attempts")!, System.Globalization.CultureInfo.InvariantCulture) > 1);
    }

    [Fact]
    public async Task Push_OfAnOlderVersion_NeverOverwritesANewerOne()
    {
        await using var system = await ConnectAsync(FakeSystemKind.Ehr);
        var patient = await NewClientAsync();
        await Client.CreateAsync(DisclosureConsent(patient, system.Oid, Consent.ConsentProvisionType.Permit));
        await system.Fake.WaitForDeliveriesAsync(1, DeliveryWait);

        // Versions made while the system is unreachable: only the newest is sent, the older ones are superseded.
        await system.Fake.RefuseConnectionsAsync();
        var plan = await Client.CreateAsync(NewPlan(patient));
        for (var i = 2; i <= 3; i++)
        {
            plan!.Title = $"Versio {i}";
            plan = await Client.UpdateAsync(plan);
        }

        await system.Fake.RestoreConnectionsAsync();
        await system.Fake.WaitForDeliveriesAsync(2, DeliveryWait);
        var rows = await WaitForRowsAsync(system, rows => rows.Count(r => Part(r, "resource")!.StartsWith($"CarePlan/{plan!.Id}/", StringComparison.Ordinal) && Part(r, "status") != "pending") == 3);
        // An older version already in flight when newer ones are written arrives first; a pending older one is skipped.
        var arrived = system.Fake.ReceivedFor("CarePlan", plan!.Id!).Where(r => r.InEffect).Select(r => int.Parse(r.VersionId!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(3, arrived[^1]);
        Assert.Equal(arrived.Order(), arrived);
        Assert.Equal(arrived.Count, arrived.Distinct().Count());
        Assert.True(arrived.Count < 3, "At least one superseded version is skipped: " + string.Join(", ", arrived));
        foreach (var version in new[] { 1, 2, 3 })
        {
            var row = Assert.Single(rows, r => Part(r, "resource") == $"CarePlan/{plan.Id}/_history/{version}");
            Assert.Equal(arrived.Contains(version) ? "done" : "superseded", Part(row, "status"));
        }

        // The system already holds a newer version (409 for a lower one): the push is superseded, the newer one stays.
        var held = (CarePlan)plan.DeepCopy();
        held.Meta = new Meta { VersionId = "9" };
        held.Title = "Järjestelmän uudempi";
        system.Fake.Store.Seed(held);
        plan.Title = "Versio 4";
        plan = await Client.UpdateAsync(plan);
        var stale = await WaitForRowsAsync(system, rows => rows.Any(r => Part(r, "resource") == $"CarePlan/{plan!.Id}/_history/4" && Part(r, "status") != "pending"));
        Assert.Equal("superseded", Part(stale.Single(r => Part(r, "resource") == $"CarePlan/{plan!.Id}/_history/4"), "status"));
        Assert.Equal("Järjestelmän uudempi", ((CarePlan)system.Fake.Store.Get("CarePlan", plan!.Id!)!).Title);
    }

    [Fact]
    public async Task CircuitBreaker_OpensWhileTheSystemFails_AndRecovers()
    {
        await using var system = await ConnectAsync(FakeSystemKind.SocialWelfare);
        var patient = await NewClientAsync();
        system.Fake.Faults.FailNext(10_000, 500);
        await Client.CreateAsync(DisclosureConsent(patient, system.Oid, Consent.ConsentProvisionType.Permit));

        var open = await WaitForRowsAsync(system, rows => rows.Any(r => Part(r, "reason")?.Contains("BrokenCircuitException", StringComparison.Ordinal) == true));
        Assert.Equal("pending", Part(Assert.Single(open), "status"));
        system.Fake.Faults.Reset();

        await system.Fake.WaitForDeliveriesAsync(1, DeliveryWait);
        var rows = await WaitForRowsAsync(system, rows => rows.All(r => Part(r, "status") == "done"));
        Assert.True(int.Parse(Part(Assert.Single(rows), "attempts")!, System.Globalization.CultureInfo.InvariantCulture) >= 3);
    }

    [Fact]
    public async Task DeadLetters_AreListed_AndRetriedByAnAdministrator()
    {
        // A credential the server does not have: retrying cannot help, so the first attempt dead-letters.
        await using var system = await ConnectAsync(FakeSystemKind.Ehr, credential: "missing-" + FhirTest.Unique());
        var patient = await NewClientAsync();
        await Client.CreateAsync(DisclosureConsent(patient, system.Oid, Consent.ConsentProvisionType.Permit));

        await WaitForRowsAsync(system, rows => rows.Count == 1 && Part(rows[0], "status") == "dead-letter");
        var listed = Rows(await FhirTest.ReadAsync<Parameters>(await BridgeAdmin.GetAsync("/fhir/Endpoint/$deliveries?status=dead-letter&_count=1000")));
        var dead = Assert.Single(listed, r => Part(r, "endpoint") == $"Endpoint/{system.EndpointId}");
        Assert.Contains("is not configured", Part(dead, "reason"), StringComparison.Ordinal);
        Assert.Empty(system.Fake.Received);

        using var member = Factory.CreateClient(TestTokens.For(CallerRole.Professional, TestTokens.Organization, TestTokens.Professional, "user/*.cruds"));
        var refused = await FhirTest.AssertOutcomeAsync(await member.PostAsync($"/fhir/Endpoint/{system.EndpointId}/$retry", null), HttpStatusCode.Forbidden);
        Assert.Equal("Retrying deliveries is for administrators, not professionals.", refused.Issue[0].Diagnostics);
        await FhirTest.AssertOutcomeAsync(await BridgeAdmin.PostAsync($"/fhir/Endpoint/{system.EndpointId}/$retry?delivery=999999999", null), HttpStatusCode.NotFound);

        // The administrator fixes the registration (no credential) and retries.
        await UpdateEndpointAsync(system, e => e.RemoveExtension(ConnectedSystemReader.CredentialExtension));
        var retried = await FhirTest.ReadAsync<Parameters>(await BridgeAdmin.PostAsync($"/fhir/Endpoint/{system.EndpointId}/$retry?delivery={Part(dead, "id")}", null));
        Assert.Equal(1, ((Integer)retried.Parameter.Single(p => p.Name == "retried").Value!).Value);
        await system.Fake.WaitForDeliveriesAsync(1, DeliveryWait);
        Assert.Equal("done", Part(Assert.Single(await WaitForRowsAsync(system, rows => Part(rows[0], "status") == "done")), "status"));
    }

    [Fact]
    public async Task ConsentWithdrawal_PushesTheWithdrawnConsent_ToSystemsThatHadData_AndStopsPushes()
    {
        await using var receiver = await ConnectAsync(FakeSystemKind.Ehr);
        await using var other = await ConnectAsync(FakeSystemKind.SocialWelfare);
        var patient = await NewClientAsync();
        var consent = await Client.CreateAsync(DisclosureConsent(patient, receiver.Oid, Consent.ConsentProvisionType.Permit));
        var plan = await Client.CreateAsync(NewPlan(patient));
        await receiver.Fake.WaitForDeliveriesAsync(2, DeliveryWait);

        consent!.Status = Consent.ConsentState.Inactive;
        consent = await Client.UpdateAsync(consent);
        await receiver.Fake.WaitForDeliveriesAsync(3, DeliveryWait);
        plan!.Title = "Suostumuksen perumisen jälkeen";
        plan = await Client.UpdateAsync(plan);

        var rows = await WaitForRowsAsync(receiver, rows => rows.Any(r => Part(r, "resource") == $"CarePlan/{plan!.Id}/_history/2" && Part(r, "status") != "pending"));
        Assert.Equal("inactive", ((Consent)receiver.Fake.Store.Get("Consent", consent!.Id!)!).Status?.ToString()?.ToLowerInvariant());
        Assert.Equal("withheld", Part(rows.Single(r => Part(r, "resource") == $"CarePlan/{plan!.Id}/_history/2"), "status"));
        Assert.Equal(["1"], receiver.Fake.ReceivedFor("CarePlan", plan!.Id!).Select(r => r.VersionId));
        var otherRows = await WaitForRowsAsync(other, rows => rows.Any(r => Part(r, "resource") == $"Consent/{consent.Id}/_history/2" && Part(r, "status") != "pending"));
        Assert.Equal(
            $"Consent/{consent.Id} is withdrawn and Endpoint/{other.EndpointId} received no data under it.",
            Part(otherRows.Single(r => Part(r, "resource") == $"Consent/{consent.Id}/_history/2"), "reason"));
        Assert.Empty(other.Fake.Received);
    }

    [Fact]
    public async Task Delivery_InterruptedByAStoppedServer_IsCompletedByTheNextOne()
    {
        await using var fake = await FakeFhirSystem.StartAsync(FakeSystemKind.Ehr);
        var settings = await FreshDatabaseSettingsAsync();
        settings["Bridge:Delivery:AttemptTimeout"] = "00:00:05";
        settings["Bridge:Delivery:HttpRetries"] = "0";
        settings["Bridge:Delivery:Lease"] = "00:00:06";
        string planId;
        string endpointId;
        var oid = NewOid();
        await using (var first = new FhirServerFactory(settings))
        {
            using var admin = first.CreateClient(TestTokens.For(CallerRole.Administrator, TestTokens.Organization, BridgeAdminUser, "user/*.cruds"));
            endpointId = await RegisterAsync(admin, fake, oid, null);
            var system = first.CreateFhirClient();
            var patient = (await system.CreateAsync(FhirTest.Patient("Keskeytys")))!.Id!;
            await system.CreateAsync(DisclosureConsent(patient, oid, Consent.ConsentProvisionType.Permit));
            await fake.WaitForDeliveriesAsync(1, DeliveryWait);
            fake.Faults.Delay(TimeSpan.FromSeconds(4));
            planId = (await system.CreateAsync(NewPlan(patient)))!.Id!;
            await WaitForAsync(admin, endpointId, rows => rows.Any(r => IsInFlight(r, planId)));
        }

        // The first server is gone mid-delivery: nothing was recorded; the next one takes the rows over once their lease ends.
        fake.Faults.Reset();
        await using var second = new FhirServerFactory(settings);
        using var secondAdmin = second.CreateClient(TestTokens.For(CallerRole.Administrator, TestTokens.Organization, BridgeAdminUser, "user/*.cruds"));
        var rows = await WaitForAsync(secondAdmin, endpointId, rows => rows.Count == 2 && rows.All(r => Part(r, "status") == "done"));
        Assert.Equal("2", Part(rows.Single(r => Part(r, "resource") == $"CarePlan/{planId}/_history/1"), "attempts"));
        Assert.Single(fake.ReceivedFor("CarePlan", planId), r => r.InEffect);
        Assert.Single(fake.Store.Find("CarePlan", _ => true));
    }

    [Fact]
    public async Task Delivery_OfAServerProcessKilledMidPush_IsCompletedOnceByTheRestartedProcess()
    {
        await using var fake = await FakeFhirSystem.StartAsync(FakeSystemKind.Ehr);
        var settings = await FreshDatabaseSettingsAsync();
        settings["Bridge:Delivery:AttemptTimeout"] = "00:00:04";
        settings["Bridge:Delivery:HttpRetries"] = "0";
        settings["Bridge:Delivery:Lease"] = "00:00:05";
        var oid = NewOid();
        var adminToken = TestTokens.For(CallerRole.Administrator, TestTokens.Organization, BridgeAdminUser, "user/*.cruds");
        string patient;
        string planId;
        string endpointId;
        using (var first = await ServerProcess.StartAsync(settings))
        {
            using var admin = first.CreateClient(adminToken);
            endpointId = await RegisterAsync(admin, fake, oid, null);
            var system = first.CreateFhirClient();
            patient = (await system.CreateAsync(FhirTest.Patient("Tapettu prosessi")))!.Id!;
            await system.CreateAsync(DisclosureConsent(patient, oid, Consent.ConsentProvisionType.Permit));
            await fake.WaitForDeliveriesAsync(1, DeliveryWait);

            // The plan's push reaches the fake, which holds it unanswered; the process is killed (SIGKILL) while it waits.
            fake.Faults.HangNext(1);
            planId = (await system.CreateAsync(NewPlan(patient)))!.Id!;
            await WaitForAsync(admin, endpointId, rows => rows.Any(r => IsInFlight(r, planId)) && fake.Faults.Snapshot().HangNext == 0);
            first.Kill();
        }

        Assert.Empty(fake.ReceivedFor("CarePlan", planId));
        using var second = await ServerProcess.StartAsync(settings);
        using var secondAdmin = second.CreateClient(adminToken);
        var rows = await WaitForAsync(secondAdmin, endpointId, rows => rows.Count == 2 && rows.All(r => Part(r, "status") == "done"));
        Assert.Equal("2", Part(rows.Single(r => Part(r, "resource") == $"CarePlan/{planId}/_history/1"), "attempts"));
        Assert.Equal("1", Assert.Single(fake.ReceivedFor("CarePlan", planId), r => r.InEffect).VersionId);
        using var compliance = second.CreateClient(TestTokens.For(CallerRole.ComplianceOfficer, TestTokens.Organization, ComplianceUser, "user/AuditEvent.rs"));
        var disclosures = await SearchLogAsync(compliance, $"patient={patient}&type=disclosure&organization=urn:oid:{oid}");
        Assert.Equal(2, disclosures.Count);
        Assert.Single(disclosures, d => d.Entity.Any(e => e.What?.Reference == $"CarePlan/{planId}/_history/1"));
    }

    [Fact]
    public async Task TwoServersOnOneDatabase_DeliverEachVersionOnce_WithOneDisclosureEach()
    {
        await using var fake = await FakeFhirSystem.StartAsync(FakeSystemKind.Ehr);
        var settings = await FreshDatabaseSettingsAsync();
        await using var first = new FhirServerFactory(settings);
        await using var second = new FhirServerFactory(settings);
        using var admin = first.CreateClient(TestTokens.For(CallerRole.Administrator, TestTokens.Organization, BridgeAdminUser, "user/*.cruds"));
        var oid = NewOid();
        var endpointId = await RegisterAsync(admin, fake, oid, null);
        var writers = new[] { first.CreateFhirClient(), second.CreateFhirClient() };
        var patient = (await writers[0].CreateAsync(FhirTest.Patient("Kaksi palvelinta")))!.Id!;
        await writers[1].CreateAsync(DisclosureConsent(patient, oid, Consent.ConsentProvisionType.Permit));

        const int plans = 12;
        var ids = await Task.WhenAll(Enumerable.Range(0, plans).Select(async i => (await writers[i % 2].CreateAsync(NewPlan(patient)))!.Id!));

        var rows = await WaitForAsync(admin, endpointId, rows => rows.Count == plans + 1 && rows.All(r => Part(r, "status") == "done"));
        Assert.All(ids, id => Assert.True(fake.ReceivedFor("CarePlan", id).Count == 1, string.Join("; ", fake.ReceivedFor("CarePlan", id).Select(r => $"{r.ArrivedAt:HH:mm:ss.fff} {r.Outcome}")) + " / " + string.Join("; ", rows.Select(Describe))));
        using var compliance = first.CreateClient(TestTokens.For(CallerRole.ComplianceOfficer, TestTokens.Organization, ComplianceUser, "user/AuditEvent.rs"));
        using var response = await compliance.GetAsync($"/fhir/AuditEvent?patient={patient}&type=disclosure&organization=urn:oid:{oid}&_count=100");
        var disclosed = (await FhirTest.ReadAsync<Bundle>(response)).Entry
            .SelectMany(e => ((AuditEvent)e.Resource!).Entity.Select(x => x.What?.Reference))
            .Where(r => r?.Contains("/_history/", StringComparison.Ordinal) == true)
            .ToList();
        Assert.Equal(rows.Select(r => Part(r, "resource")).Order(), disclosed.Order());
    }

    [Fact]
    public async Task ConnectedSystems_AreRegisteredOnlyByAdministrators_AndMustBeUsable()
    {
        await using var fake = await FakeFhirSystem.StartAsync(FakeSystemKind.Ehr);
        var oid = NewOid();
        var organization = await CreateOrganizationAsync(BridgeAdmin, oid);
        var endpoint = NewEndpoint(fake.BaseUrl.AbsoluteUri, organization, null);

        var forbidden = await FhirTest.AssertOutcomeAsync(await Http.PostAsync("/fhir/Endpoint", FhirTest.Json(endpoint)), HttpStatusCode.Forbidden);
        Assert.Equal(
            "Registering connected systems (Endpoint with a connected-system-kind) is for administrators, not systems.",
            forbidden.Issue[0].Diagnostics);

        var invalid = NewEndpoint("ftp://example.invalid/fhir", "Organization/" + FhirTest.Unique(), null);
        invalid.SetExtension(ConnectedSystemReader.KindExtension, new Code("laboratory"));
        var outcome = await FhirTest.AssertOutcomeAsync(await BridgeAdmin.PostAsync("/fhir/Endpoint", FhirTest.Json(invalid)), HttpStatusCode.UnprocessableEntity);
        Assert.Equal(
            ["Endpoint.address", $"Endpoint.extension('{ConnectedSystemReader.KindExtension}')", "Endpoint.managingOrganization"],
            outcome.Issue.Select(i => i.Expression.Single()));
        Assert.Contains(outcome.Issue, i => i.Diagnostics == "Connected system: Endpoint.address: 'ftp://example.invalid/fhir' is not an absolute http(s) URL");

        var created = await BridgeAdmin.PostAsync("/fhir/Endpoint", FhirTest.Json(endpoint));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var stored = await FhirTest.ReadAsync<Endpoint>(created);
        stored.Status = Endpoint.EndpointStatus.Off;
        await FhirTest.AssertOutcomeAsync(await Http.PutAsync($"/fhir/Endpoint/{stored.Id}", FhirTest.Json(stored)), HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.OK, (await BridgeAdmin.PutAsync($"/fhir/Endpoint/{stored.Id}", FhirTest.Json(stored))).StatusCode);

        // An Endpoint that is no connected system stays ordinary directory data.
        var plain = NewEndpoint("https://example.invalid/fhir", organization, null);
        plain.RemoveExtension(ConnectedSystemReader.KindExtension);
        Assert.Equal(HttpStatusCode.Created, (await Http.PostAsync("/fhir/Endpoint", FhirTest.Json(plain))).StatusCode);
    }

    [Fact]
    public async Task OutboxAdmin_IsForAdministrators_Validated_Logged_AndInTheCapabilityStatement()
    {
        using var member = Factory.CreateClient(TestTokens.For(CallerRole.Professional, TestTokens.Organization, TestTokens.Professional, "user/*.cruds"));
        var forbidden = await FhirTest.AssertOutcomeAsync(await member.GetAsync("/fhir/Endpoint/$deliveries"), HttpStatusCode.Forbidden);
        Assert.Equal("The outbox is for administrators, not professionals.", forbidden.Issue[0].Diagnostics);
        var bad = await FhirTest.AssertOutcomeAsync(await BridgeAdmin.GetAsync("/fhir/Endpoint/$deliveries?status=lost"), HttpStatusCode.BadRequest);
        Assert.Equal("status", bad.Issue[0].Expression.Single());
        await FhirTest.AssertOutcomeAsync(await BridgeAdmin.GetAsync("/fhir/Endpoint/$deliveries?_count=0"), HttpStatusCode.BadRequest);

        var calls = new (HttpMethod Method, string Path, string Expected)[]
        {
            (HttpMethod.Get, "/fhir/Endpoint/$deliveries?status=dead-letter", "access:R:operation:-:statutory-task:0"),
            (HttpMethod.Get, "/fhir/Endpoint/x/$deliveries", "access:R:operation:-:statutory-task:0"),
            (HttpMethod.Post, "/fhir/Endpoint/x/$retry", "access:U:operation:-:statutory-task:0"),
            (HttpMethod.Post, "/fhir/Endpoint/$retry", "access:U:operation:-:statutory-task:0"),
        };
        foreach (var (method, path, expected) in calls)
        {
            var requestId = "outbox-" + FhirTest.Unique();
            using var message = new HttpRequestMessage(method, path);
            message.Headers.Add("X-Request-Id", requestId);
            using var response = await BridgeAdmin.SendAsync(message);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{method} {path}: {response.StatusCode}");
            var logged = Assert.Single(await LogEntriesAsync(BridgeAdminUser, requestId));
            Assert.Equal(expected, $"{logged.Kind}:{logged.Action}:{logged.Subtype}:{logged.Patient ?? "-"}:{logged.Basis}:{logged.Outcome}");
        }

        var capability = await FhirTest.ReadAsync<CapabilityStatement>(await Http.GetAsync("/fhir/metadata"));
        var endpoint = capability.Rest[0].Resource.Single(r => r.Type == "Endpoint");
        Assert.Contains(endpoint.Operation, o => o.Name == "deliveries");
        Assert.Contains(endpoint.Operation, o => o.Name == "retry");
    }

    private async Task<ConnectedFake> ConnectAsync(FakeSystemKind kind, string? credential = null)
    {
        var oid = NewOid();
        var fake = await FakeFhirSystem.StartAsync(new FakeFhirSystemOptions { Kind = kind, OrganizationOid = oid });
        var endpointId = await RegisterAsync(BridgeAdmin, fake, oid, credential);
        return new ConnectedFake(fake, endpointId, oid, this);
    }

    private static async Task<string> RegisterAsync(HttpClient admin, FakeFhirSystem fake, string oid, string? credential)
    {
        var organization = await CreateOrganizationAsync(admin, oid);
        var response = await admin.PostAsync("/fhir/Endpoint", FhirTest.Json(NewEndpoint(fake.BaseUrl.AbsoluteUri, organization, credential)));
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await FhirTest.ReadAsync<Endpoint>(response)).Id!;
    }

    private static async Task<string> CreateOrganizationAsync(HttpClient admin, string oid)
    {
        var response = await admin.PostAsync("/fhir/Organization", FhirTest.Json(new Organization
        {
            Active = true,
            Name = "Yhdistetty järjestelmä " + oid,
            Identifier = [new Identifier("urn:ietf:rfc:3986", "urn:oid:" + oid)],
        }));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return "Organization/" + (await FhirTest.ReadAsync<Organization>(response)).Id;
    }

    private static Endpoint NewEndpoint(string address, string organization, string? credential)
    {
        var endpoint = new Endpoint
        {
            Status = Endpoint.EndpointStatus.Active,
            ConnectionType = new Coding(ConnectedSystemReader.ConnectionTypeSystem, ConnectedSystemReader.FhirRestCode),
            Address = address,
            ManagingOrganization = new ResourceReference(organization),
            PayloadType = [new CodeableConcept("http://terminology.hl7.org/CodeSystem/endpoint-payload-type", "any")],
        };
        endpoint.SetExtension(ConnectedSystemReader.KindExtension, new Code(ConnectedSystemReader.PatientRecordCode));
        if (credential is not null)
        {
            endpoint.SetExtension(ConnectedSystemReader.CredentialExtension, new FhirString(credential));
        }

        return endpoint;
    }

    private async Task UpdateEndpointAsync(ConnectedFake system, Action<Endpoint> change)
    {
        var endpoint = await FhirTest.ReadAsync<Endpoint>(await BridgeAdmin.GetAsync($"/fhir/Endpoint/{system.EndpointId}"));
        change(endpoint);
        Assert.Equal(HttpStatusCode.OK, (await BridgeAdmin.PutAsync($"/fhir/Endpoint/{system.EndpointId}", FhirTest.Json(endpoint))).StatusCode);
    }

    private async Task<string> NewClientAsync() => (await Client.CreateAsync(FhirTest.Patient("Siltatesti")))!.Id!;

    private static CarePlan NewPlan(string patient) => new()
    {
        Status = RequestStatus.Active,
        Intent = CarePlan.CarePlanIntent.Plan,
        Subject = new ResourceReference($"Patient/{patient}"),
        Title = "Yhteinen suunnitelma",
    };

    private static Consent DisclosureConsent(string patient, string organization, Consent.ConsentProvisionType type) =>
        JointClientScenario.ConsentFor(new ResourceReference($"Patient/{patient}"), organization, type);

    private static string NewOid() => $"1.2.246.10.9{Random.Shared.Next(1_000_000, 9_999_999)}";

    private Task<IReadOnlyList<Parameters.ParameterComponent>> WaitForRowsAsync(ConnectedFake system, Func<IReadOnlyList<Parameters.ParameterComponent>, bool> condition) =>
        WaitForAsync(BridgeAdmin, system.EndpointId, condition);

    private static async Task<IReadOnlyList<Parameters.ParameterComponent>> WaitForAsync(
        HttpClient admin, string endpointId, Func<IReadOnlyList<Parameters.ParameterComponent>, bool> condition)
    {
        var deadline = DateTime.UtcNow + DeliveryWait;
        while (true)
        {
            using var response = await admin.GetAsync($"/fhir/Endpoint/{endpointId}/$deliveries?_count=1000");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var rows = Rows(await FhirTest.ReadAsync<Parameters>(response));
            if (condition(rows))
            {
                return rows;
            }

            Assert.True(DateTime.UtcNow < deadline, $"The deliveries to Endpoint/{endpointId} did not reach the expected state: {string.Join("; ", rows.Select(Describe))}");
            await Task.Delay(100);
        }
    }

    private static bool IsInFlight(Parameters.ParameterComponent row, string planId) =>
        Part(row, "resource") == $"CarePlan/{planId}/_history/1" && Part(row, "status") == "pending" && Part(row, "attempts") == "1";

    private static IReadOnlyList<Parameters.ParameterComponent> Rows(Parameters parameters) => [.. parameters.Parameter.Where(p => p.Name == "delivery")];

    private static string? Part(Parameters.ParameterComponent row, string name) => row.Part.FirstOrDefault(p => p.Name == name)?.Value switch
    {
        ResourceReference reference => reference.Reference,
        PrimitiveType primitive => primitive.ToString(),
        _ => null,
    };

    private static string Describe(Parameters.ParameterComponent row) =>
        $"{Part(row, "resource")} {Part(row, "status")} attempts={Part(row, "attempts")} {Part(row, "reason")}";

    /// <summary>Settings of this suite's database kind, on a new database.</summary>
    private async Task<Dictionary<string, string?>> FreshDatabaseSettingsAsync()
    {
        var settings = new Dictionary<string, string?>(Factory.Settings);
        if (!string.IsNullOrEmpty(settings.GetValueOrDefault("FHIRBRIDGE_POSTGRES")))
        {
            settings["FHIRBRIDGE_POSTGRES"] = await (await Testing.PostgresServer.Shared).CreateDatabaseAsync();
        }
        else
        {
            // Beside the suite's own database, so the fixture deletes it with its folder.
            settings["Storage:SqlitePath"] = Path.Combine(Path.GetDirectoryName(settings["Storage:SqlitePath"])!, FhirTest.Unique() + ".db");
        }

        return settings;
    }

    /// <summary>A fake registered as a connected system; disposing switches the Endpoint off so later tests' writes skip it.</summary>
    private sealed class ConnectedFake(FakeFhirSystem fake, string endpointId, string oid, FhirApiTests tests) : IAsyncDisposable
    {
        public FakeFhirSystem Fake => fake;

        public string EndpointId => endpointId;

        public string Oid => oid;

        public async ValueTask DisposeAsync()
        {
            await tests.UpdateEndpointAsync(this, e => e.Status = Endpoint.EndpointStatus.Off);
            await fake.DisposeAsync();
        }
    }
}
