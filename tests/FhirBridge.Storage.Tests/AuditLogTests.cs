using FhirBridge.Core.Audit;
using FhirBridge.Core.Errors;
using FhirBridge.Core.Security;
using FhirBridge.Core.Storage;
using FhirBridge.Testing;
using static FhirBridge.Storage.Tests.TestAuditEvents;
using Action = Hl7.Fhir.Model.AuditEvent.AuditEventAction;
using Outcome = Hl7.Fhir.Model.AuditEvent.AuditEventOutcome;

namespace FhirBridge.Storage.Tests;

public sealed class AuditLogTests(PostgresCluster cluster) : StoreTestBase(cluster)
{
    private const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Append_ThenGet_ReturnsTheSameEntry(string provider)
    {
        var log = (await CreateStoreAsync(provider)).AuditLog;
        var entry = Entry("e1", patient: "asiakas-7", basis: LegalBasis.BreakGlassCode);

        await log.AppendAsync([entry], CancellationToken.None);

        var stored = await log.GetAsync("e1", CancellationToken.None);
        Assert.Equal(entry, stored);
        Assert.True(stored!.BreakGlass);
        Assert.Equal("asiakas-7", stored.PatientId);
        Assert.Null(await log.GetAsync("missing", CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Search_EveryFilter_MatchesOnlyItsEntries(string provider)
    {
        var log = (await CreateStoreAsync(provider)).AuditLog;
        await log.AppendAsync(
            [
                Entry("read-1", 0),
                Entry("other-patient", 1, patient: "asiakas-2"),
                Entry("other-user", 2, user: "10009902"),
                Entry("disclosed", 3, organization: OtherOrganization, disclosure: true, basis: LegalBasis.ConsentCode),
                Entry("created", 4, action: Action.C, basis: LegalBasis.CareRelationshipCode),
                Entry("denied", 5, outcome: Outcome.N4, basis: null),
                Entry("glass", 6, basis: LegalBasis.BreakGlassCode),
            ],
            CancellationToken.None);

        async Task<List<string>> Ids(AuditQuery query) =>
            [.. (await log.SearchAsync(query with { OldestFirst = true }, CancellationToken.None)).Entries.Select(e => e.Id)];

        Assert.Equal(["other-patient"], await Ids(new AuditQuery(PatientId: "asiakas-2")));
        Assert.Equal(["other-user"], await Ids(new AuditQuery(User: UserSystem + "|10009902")));
        Assert.Equal(["disclosed"], await Ids(new AuditQuery(Organization: OtherOrganization)));
        Assert.Equal(["disclosed"], await Ids(new AuditQuery(Kind: AuditKind.Disclosure)));
        Assert.Equal(6, (await Ids(new AuditQuery(Kind: AuditKind.Access))).Count);
        Assert.Equal(["created"], await Ids(new AuditQuery(Action: "C")));
        Assert.Equal(["denied"], await Ids(new AuditQuery(Outcome: "4")));
        Assert.Equal(["glass"], await Ids(new AuditQuery(BreakGlass: true)));
        Assert.Equal(["disclosed", "denied"], await Ids(new AuditQuery(LegalBases: [LegalBasis.ConsentCode, AuditQuery.NoBasis])));
        Assert.Equal(["denied"], await Ids(new AuditQuery(LegalBases: [AuditQuery.NoBasis])));
        // From inclusive, To exclusive: minutes 2, 3 and 4.
        Assert.Equal(["other-user", "disclosed", "created"], await Ids(new AuditQuery(RecordedFrom: Start.AddMinutes(2), RecordedTo: Start.AddMinutes(5))));
        Assert.Equal(["created"], await Ids(new AuditQuery(PatientId: "asiakas-1", Action: "C", RecordedFrom: Start.AddMinutes(1))));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Search_PagesNewestFirstAndOldestFirst_VisitEveryEntryOnceInOrder(string provider)
    {
        var log = (await CreateStoreAsync(provider)).AuditLog;
        // Two entries share each minute, so the pages also cut between equal recorded times.
        var entries = Enumerable.Range(0, 9).Select(n => Entry($"e{n}", n / 2)).ToList();
        foreach (var entry in entries)
        {
            await log.AppendAsync([entry], CancellationToken.None);
        }

        async Task<List<List<string>>> Pages(bool oldestFirst)
        {
            var pages = new List<List<string>>();
            string? token = null;
            do
            {
                var page = await log.SearchAsync(new AuditQuery(Count: 4, PageToken: token, OldestFirst: oldestFirst), CancellationToken.None);
                pages.Add([.. page.Entries.Select(e => e.Id)]);
                token = page.NextPageToken;
            }
            while (token is not null);
            return pages;
        }

        Assert.Equal([["e0", "e1", "e2", "e3"], ["e4", "e5", "e6", "e7"], ["e8"]], await Pages(oldestFirst: true));
        Assert.Equal([["e8", "e7", "e6", "e5"], ["e4", "e3", "e2", "e1"], ["e0"]], await Pages(oldestFirst: false));
        var otherOrder = (await log.SearchAsync(new AuditQuery(Count: 4), CancellationToken.None)).NextPageToken;
        await Assert.ThrowsAsync<BadRequestException>(() => log.SearchAsync(new AuditQuery(PageToken: otherOrder, OldestFirst: true), CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task WriteUnitOfWork_AppendsInItsTransaction_AndARolledBackOneLeavesNoEntry(string provider)
    {
        var store = await CreateStoreAsync(provider);

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.WriteAsync<bool>(
            async (session, ct) =>
            {
                await session.AppendAuditAsync([Entry("rolled-back")], ct);
                throw new InvalidOperationException("the write fails after logging");
            },
            CancellationToken.None));
        await store.WriteAsync(
            async (session, ct) =>
            {
                await session.SaveAsync(new ResourceWrite("Patient", "asiakas-1", 1, DateTimeOffset.UtcNow, HistoryMethod.Post, Json("Patient", "asiakas-1", 1), []), ct);
                await session.AppendAuditAsync([Entry("committed", action: Action.C)], ct);
                return true;
            },
            CancellationToken.None);

        Assert.Null(await store.AuditLog.GetAsync("rolled-back", CancellationToken.None));
        Assert.NotNull(await store.AuditLog.GetAsync("committed", CancellationToken.None));
        Assert.Equal(new ChainReport(true, 1), await store.AuditLog.VerifyChainAsync(CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Verify_UntouchedLog_IsIntactAndSealsEverything(string provider)
    {
        var (options, log) = await LogWithEntriesAsync(provider, 5);

        Assert.Equal(new ChainReport(true, 5), await log.VerifyChainAsync(CancellationToken.None));
        Assert.Equal(0L, Convert.ToInt64(await ScalarAsync(options, "SELECT COUNT(*) FROM audit_event WHERE chain_pos IS NULL OR hash IS NULL")));
        Assert.Equal(GenesisHash, await ScalarAsync(options, "SELECT prev_hash FROM audit_event WHERE chain_pos = 1"));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Verify_JsonChangedInTheTable_ReportsExactlyThatEntry(string provider)
    {
        var (options, log) = await LogWithEntriesAsync(provider, 5);
        await log.VerifyChainAsync(CancellationToken.None);

        await ScalarAsync(options, "UPDATE audit_event SET json = replace(json, '10009901', '10009999') WHERE id = 'e3'");

        var report = await log.VerifyChainAsync(CancellationToken.None);
        Assert.False(report.Intact);
        Assert.Equal("e3", report.FirstBrokenId);
        Assert.Equal(4, report.FirstBrokenPosition);
        Assert.Equal(3, report.Checked);
        Assert.Contains("hash", report.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Verify_PatientColumnChangedInTheTable_ReportsThatEntry(string provider)
    {
        var (options, log) = await LogWithEntriesAsync(provider, 5);
        await log.VerifyChainAsync(CancellationToken.None);

        await ScalarAsync(options, "UPDATE audit_event SET patient_id = 'someone-else' WHERE id = 'e1'");

        var report = await log.VerifyChainAsync(CancellationToken.None);
        Assert.False(report.Intact);
        Assert.Equal("e1", report.FirstBrokenId);
        Assert.Contains("columns", report.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Verify_MiddleRowDeleted_ReportsTheGap(string provider)
    {
        var (options, log) = await LogWithEntriesAsync(provider, 5);
        await log.VerifyChainAsync(CancellationToken.None);

        await ScalarAsync(options, "DELETE FROM audit_event WHERE id = 'e2'");

        var report = await log.VerifyChainAsync(CancellationToken.None);
        Assert.False(report.Intact);
        Assert.Equal("e3", report.FirstBrokenId);
        Assert.Equal(4, report.FirstBrokenPosition);
        Assert.Contains("positions 3 to 3", report.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Verify_LastRowDeleted_ReportsTheMissingTail(string provider)
    {
        var (options, log) = await LogWithEntriesAsync(provider, 3);
        await log.VerifyChainAsync(CancellationToken.None);

        await ScalarAsync(options, "DELETE FROM audit_event WHERE id = 'e2'");

        var report = await log.VerifyChainAsync(CancellationToken.None);
        Assert.Equal(new ChainReport(false, 2, null, 3, report.Problem), report);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Purge_DeletesTheOlderPrefixOnly_LogsItself_AndLeavesTheChainIntact(string provider)
    {
        var (_, log) = await LogWithEntriesAsync(provider, 6);

        var deleted = await log.PurgeAsync(Start.AddMinutes(4), count => Entry("purge", 60, patient: null, action: Action.D, basis: LegalBasis.StatutoryTaskCode), CancellationToken.None);

        Assert.Equal(4, deleted);
        var remaining = await log.SearchAsync(new AuditQuery(OldestFirst: true), CancellationToken.None);
        Assert.Equal(["e4", "e5", "purge"], remaining.Entries.Select(e => e.Id));
        Assert.Equal(new ChainReport(true, 3), await log.VerifyChainAsync(CancellationToken.None));

        Assert.Equal(0, await log.PurgeAsync(Start.AddMinutes(4), _ => Entry("purge-2", 61, patient: null), CancellationToken.None));
        Assert.Equal(new ChainReport(true, 4), await log.VerifyChainAsync(CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Purge_StopsAtTheFirstNewerEntryOfTheChain(string provider)
    {
        var log = (await CreateStoreAsync(provider)).AuditLog;
        await log.AppendAsync([Entry("old-1", 0)], CancellationToken.None);
        await log.AppendAsync([Entry("new", 10)], CancellationToken.None);
        await log.AppendAsync([Entry("old-2", 1)], CancellationToken.None);

        var deleted = await log.PurgeAsync(Start.AddMinutes(5), _ => Entry("purge", 60, patient: null), CancellationToken.None);

        Assert.Equal(1, deleted);
        Assert.NotNull(await log.GetAsync("old-2", CancellationToken.None));
        Assert.Equal(new ChainReport(true, 3), await log.VerifyChainAsync(CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Append_LogTableUnavailable_FailsClosedWithServiceUnavailable(string provider)
    {
        var options = await NewDatabaseAsync(provider);
        var store = await OpenAsync(options);
        await store.AuditLog.AppendAsync([Entry("before")], CancellationToken.None);

        await ScalarAsync(options, "ALTER TABLE audit_event RENAME TO audit_event_moved");
        try
        {
            var error = await Assert.ThrowsAsync<ServiceUnavailableException>(() => store.AuditLog.AppendAsync([Entry("during")], CancellationToken.None));
            Assert.Contains("access log cannot be written", error.Message, StringComparison.Ordinal);
            await Assert.ThrowsAsync<ServiceUnavailableException>(() => store.WriteAsync(
                async (session, ct) =>
                {
                    await session.AppendAuditAsync([Entry("during-write")], ct);
                    return true;
                },
                CancellationToken.None));
        }
        finally
        {
            await ScalarAsync(options, "ALTER TABLE audit_event_moved RENAME TO audit_event");
        }

        await store.AuditLog.AppendAsync([Entry("after")], CancellationToken.None);
        Assert.Equal(new ChainReport(true, 2), await store.AuditLog.VerifyChainAsync(CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Append_DuplicateIdOfOneCaller_DoesNotFailOthersInTheSameGroupCommit(string provider)
    {
        var log = (await CreateStoreAsync(provider)).AuditLog;
        await log.AppendAsync([Entry("taken")], CancellationToken.None);

        var duplicate = log.AppendAsync([Entry("taken", 1)], CancellationToken.None);
        var others = Enumerable.Range(0, 5).Select(n => log.AppendAsync([Entry($"other-{n}", 2)], CancellationToken.None)).ToList();

        await Assert.ThrowsAsync<ServiceUnavailableException>(() => duplicate);
        await Task.WhenAll(others);
        Assert.Equal(new ChainReport(true, 6), await log.VerifyChainAsync(CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ParallelAppenders_AllEntriesAreSealedIntoAnIntactChain(string provider)
    {
        var options = await NewDatabaseAsync(provider);
        var log = (await OpenAsync(options)).AuditLog;

        await Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            for (var n = 0; n < 50; n++)
            {
                await log.AppendAsync([Entry($"w{worker}-{n}", n)], CancellationToken.None);
            }
        })));

        Assert.Equal(new ChainReport(true, 400), await log.VerifyChainAsync(CancellationToken.None));
        Assert.Equal(400L, Convert.ToInt64(await ScalarAsync(options, "SELECT COUNT(DISTINCT chain_pos) FROM audit_event")));
        Assert.Equal(400L, Convert.ToInt64(await ScalarAsync(options, "SELECT MAX(chain_pos) FROM audit_event")));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task BackgroundSealer_SealsAppendsWithoutAVerify(string provider)
    {
        var (options, _) = await LogWithEntriesAsync(provider, 3);

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (Convert.ToInt64(await ScalarAsync(options, "SELECT COUNT(*) FROM audit_event WHERE chain_pos IS NOT NULL")) < 3 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Equal(3L, Convert.ToInt64(await ScalarAsync(options, "SELECT MAX(chain_pos) FROM audit_event")));
    }

    /// <summary>A new database with entries e0..e(count-1), one minute apart, appended one at a time.</summary>
    private async Task<(StorageOptions Options, IAuditLog Log)> LogWithEntriesAsync(string provider, int count)
    {
        var options = await NewDatabaseAsync(provider);
        var log = (await OpenAsync(options)).AuditLog;
        for (var n = 0; n < count; n++)
        {
            await log.AppendAsync([Entry($"e{n}", n)], CancellationToken.None);
        }

        return (options, log);
    }
}
