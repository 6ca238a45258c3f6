using FhirBridge.Storage;
using FhirBridge.Storage.Tests;
using Microsoft.Data.Sqlite;

namespace FhirBridge.Cli.Tests;

public sealed class VerifyLogCommandTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task VerifyLog_IntactSqliteLog_ExitsZeroAndCountsTheEntries()
    {
        var database = await DatabaseWithEntriesAsync(4);

        var result = Cli.Run("verify-log", "--sqlite", database);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("intact: 4 entries checked", result.Output.Trim());
    }

    [Fact]
    public async Task VerifyLog_TamperedEntry_ExitsOneAndNamesIt()
    {
        var database = await DatabaseWithEntriesAsync(4);
        await using (var connection = new SqliteConnection($"Data Source={database};Pooling=false"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "UPDATE audit_event SET json = replace(json, 'asiakas-1', 'asiakas-9') WHERE id = 'e2'";
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }

        var result = Cli.Run("verify-log", "--sqlite", database);

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("broken at position 3 (entry e2): ", result.Output);
    }

    [Theory]
    [InlineData]
    [InlineData("--sqlite", "a.db", "--postgres", "Host=localhost")]
    [InlineData("--sqlite", "no-such-file.db")]
    [InlineData("--sqlite", "a.db", "extra")]
    public void VerifyLog_WrongCommandLine_ExitsTwo(params string[] args)
    {
        var result = Cli.Run(["verify-log", .. args]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("fhirbridge verify-log: ", result.Error);
    }

    /// <summary>A SQLite database whose log holds e0..e(count-1), closed again (unsealed: verify-log seals them).</summary>
    private async Task<string> DatabaseWithEntriesAsync(int count)
    {
        var path = Path.Combine(_folder.Path, "fhirbridge.db");
        await using var store = await ResourceStoreFactory.CreateAsync(new StorageOptions(StorageOptions.Sqlite, path));
        for (var n = 0; n < count; n++)
        {
            await store.AuditLog.AppendAsync([TestAuditEvents.Entry($"e{n}", n)], CancellationToken.None);
        }

        return path;
    }
}
