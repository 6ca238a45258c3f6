using FhirBridge.Core.Audit;
using FhirBridge.Core.Search;
using FhirBridge.Storage;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;
using Microsoft.Data.Sqlite;
using Action = Hl7.Fhir.Model.AuditEvent.AuditEventAction;

namespace FhirBridge.Core.Tests.Audit;

/// <summary>Retention and verification through <see cref="AuditLogService"/> over a real SQLite log, with a clock that moves.</summary>
public sealed class AuditLogServiceTests : IAsyncLifetime
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"fhirbridge-audit-{Guid.NewGuid():N}.db");
    private readonly FixedTime _time = new(new DateTimeOffset(2010, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private SqlResourceStore? _store;
    private AuditEventFactory _factory = null!;
    private AuditLogService _service = null!;

    public async Task InitializeAsync()
    {
        _store = await ResourceStoreFactory.CreateAsync(new StorageOptions(StorageOptions.Sqlite, _path));
        _factory = new AuditEventFactory(new AccessLogSettings("1.2.246.10.12345678"), _time);
        _service = new AuditLogService(_store.AuditLog, _factory, new PageSizes(), _time, retentionYears: 12);
    }

    public async Task DisposeAsync()
    {
        await _store!.DisposeAsync();
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" })
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Purge_RemovesOnlyEntriesOlderThanTheRetention_LogsItself_AndKeepsTheChainIntact()
    {
        var caller = AuditEventFactoryTests.Professional("1.2.246.10.12345678");
        await ReadAsync(caller, "old");                                  // 2010-01-01
        _time.Now = new DateTimeOffset(2015, 6, 1, 0, 0, 0, TimeSpan.Zero);
        await ReadAsync(caller, "kept");                                 // 2015-06-01
        _time.Now = new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero);

        var result = await _service.PurgeAsync(caller with { Role = Core.Security.CallerRole.Administrator }, default);

        Assert.Equal(1, ((Integer)result.Parameter.Single(p => p.Name == "deleted").Value!).Value);
        var left = await _store!.AuditLog.SearchAsync(new AuditQuery(OldestFirst: true), default);
        Assert.Equal(["kept", null], left.Entries.Select(e => e.PatientId));
        var purge = (AuditEvent)Core.Fhir.FhirSerializer.ParseJson(left.Entries[1].Json);
        Assert.Equal("Purged 1 log entries recorded before 2014-11-23T00:00:00Z (retention 12 years).", purge.OutcomeDesc);
        Assert.Equal(AuditEvent.AuditEventAction.D, purge.Action);
        var verified = await _service.VerifyAsync(default);
        Assert.True(((FhirBoolean)verified.Parameter.Single(p => p.Name == "intact").Value!).Value);
    }

    [Fact]
    public async Task Report_DefaultsToTheLastTwoYears()
    {
        var caller = AuditEventFactoryTests.Professional("1.2.246.10.87654321");
        _time.Now = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        await ReadAsync(caller, "a1");
        _time.Now = new DateTimeOffset(2025, 6, 1, 0, 0, 0, TimeSpan.Zero);
        await ReadAsync(caller, "a1");
        _time.Now = new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero);

        var report = await _service.ReportAsync("a1", [], default);

        // Only the 2025 read (an access and, for another organisation, a disclosure) is within two years.
        Assert.Equal(["access", "disclosure"], report.Rows.Select(r => r[1]));
        Assert.All(report.Rows, r => Assert.StartsWith("2025-06-01", r[0], StringComparison.Ordinal));
    }

    private Task ReadAsync(Core.Security.Caller caller, string patient) => _store!.AuditLog.AppendAsync(
        _factory.ForRequest(caller, new Interaction("read", Action.R, "CarePlan/p"),
            [new LoggedData("CarePlan/p/_history/1", patient, new Core.Security.LegalBasis(Core.Security.LegalBasis.CareRelationshipCode), Action.R)],
            RequestOutcome.Success),
        default);
}
