using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace FhirBridge.Storage.Sql;

/// <summary>SQLite: one file in WAL mode; writers serialise on <c>BEGIN IMMEDIATE</c>.</summary>
internal sealed class SqliteDialect : SqlDialect
{
    // https://www.sqlite.org/rescode.html
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;
    private const int SqliteReadOnly = 8;
    private const int SqliteIoError = 10;
    private const int SqliteCorrupt = 11;
    private const int SqliteFull = 13;
    private const int SqliteCantOpen = 14;
    private const int SqliteNotADatabase = 26;
    private const int SqliteConstraintPrimaryKey = 1555;
    private const int SqliteConstraintUnique = 2067;

    private readonly string _connectionString;

    // SQLite runs one writer at a time. Writers of this process queue here rather than in busy_timeout, whose
    // sleep-and-retry (up to 100 ms a try) would leave the database idle while they wait.
    private readonly SemaphoreSlim _writer = new(1, 1);

    private SqliteDialect(string connectionString) => _connectionString = connectionString;

    public override string MigrationFolder => "Sqlite";

    public override string? MigrationLockSql => null;

    public static SqliteDialect Create(string path)
    {
        var fullPath = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
        var builder = new SqliteConnectionStringBuilder { DataSource = fullPath, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true };
        return new SqliteDialect(builder.ConnectionString);
    }

    public override async ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;";
            await command.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public override async ValueTask<IDisposable?> EnterAsync(TransactionKind kind, CancellationToken cancellationToken)
    {
        if (kind == TransactionKind.Read)
        {
            return null;
        }

        await _writer.WaitAsync(cancellationToken);
        return new WriterTurn(_writer);
    }

    public override ValueTask<DbTransaction> BeginTransactionAsync(DbConnection connection, TransactionKind kind, CancellationToken cancellationToken) =>
        // deferred: false issues BEGIN IMMEDIATE, taking the write lock up front so that writers never upgrade and deadlock.
        ValueTask.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: kind == TransactionKind.Read));

    public override async Task PrepareAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode = WAL;";
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public override DbFailure Classify(Exception exception) => exception switch
    {
        SqliteException { SqliteExtendedErrorCode: SqliteConstraintUnique or SqliteConstraintPrimaryKey } => DbFailure.Conflict,
        SqliteException
        {
            SqliteErrorCode: SqliteBusy or SqliteLocked or SqliteReadOnly or SqliteIoError or SqliteCorrupt or SqliteFull or SqliteCantOpen or SqliteNotADatabase,
        } => DbFailure.Unavailable,
        SqliteException => DbFailure.Other,
        _ => DbFailure.None,
    };

    public override ValueTask DisposeAsync()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
        return ValueTask.CompletedTask;
    }

    /// <summary>The writer's turn: disposing it lets the next writer in.</summary>
    private sealed class WriterTurn(SemaphoreSlim writer) : IDisposable
    {
        private SemaphoreSlim? _writer = writer;

        public void Dispose() => Interlocked.Exchange(ref _writer, null)?.Release();
    }
}
