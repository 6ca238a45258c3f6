using FhirBridge.Core.Audit;
using FhirBridge.Core.Errors;
using FhirBridge.Storage;

namespace FhirBridge.Cli;

/// <summary><c>fhirbridge verify-log</c>: walks the access log's hash chain in a database and reports the first broken link.</summary>
public sealed class VerifyLogCommand : ICommand
{
    private const string SqliteOption = "sqlite";
    private const string PostgresOption = "postgres";

    public string Name => "verify-log";

    public string Summary => "Check the access and disclosure log's hash chain in a database.";

    public string Help => """
        Usage: fhirbridge verify-log (--sqlite <path> | --postgres <connection string>)

        Seals the entries appended since the last seal, then recomputes the SHA-256 chain of the access and
        disclosure log from its start (or the last purge's anchor) and checks that no entry was changed, removed
        or had its query columns altered. Prints "intact: N entries checked" or the first broken link.

        Options:
          --sqlite PATH          The server's SQLite database file.
          --postgres CONNSTR     An Npgsql connection string of the server's PostgreSQL database.

        Exit codes: 0 intact, 1 the chain is broken, 2 usage error or the database cannot be opened.

        """;

    public IReadOnlySet<string> Options { get; } = new HashSet<string>(StringComparer.Ordinal) { SqliteOption, PostgresOption };

    public IReadOnlySet<string> Flags { get; } = new HashSet<string>(StringComparer.Ordinal);

    public int Run(Arguments arguments, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(output);
        if (arguments.Positional.Count > 0)
        {
            throw new UsageException($"unexpected argument '{arguments.Positional[0]}'.");
        }

        var report = VerifyAsync(StorageOf(arguments)).GetAwaiter().GetResult();
        if (report.Intact)
        {
            output.WriteLine($"intact: {report.Checked} entries checked");
            return ExitCodes.Ok;
        }

        var entry = report.FirstBrokenId is null ? "no entry" : $"entry {report.FirstBrokenId}";
        output.WriteLine($"broken at position {report.FirstBrokenPosition} ({entry}): {report.Problem}");
        output.WriteLine($"{report.Checked} entries before it are intact.");
        return ExitCodes.ErrorsFound;
    }

    private static StorageOptions StorageOf(Arguments arguments) => (arguments.Single(SqliteOption), arguments.Single(PostgresOption)) switch
    {
        // Opening a missing file would create an empty database and call it intact.
        ({ } path, null) when !File.Exists(path) => throw new UsageException($"no database file {path}."),
        ({ } path, null) => new StorageOptions(StorageOptions.Sqlite, path),
        (null, { } connectionString) => new StorageOptions(StorageOptions.Postgres, PostgresConnectionString: connectionString),
        _ => throw new UsageException("give exactly one of --sqlite and --postgres."),
    };

    private static async Task<ChainReport> VerifyAsync(StorageOptions options)
    {
        try
        {
            await using var store = await ResourceStoreFactory.CreateAsync(options);
            return await store.AuditLog.VerifyChainAsync(CancellationToken.None);
        }
        catch (FhirException e)
        {
            throw new UsageException($"cannot read the database: {e.Message}");
        }
    }
}
