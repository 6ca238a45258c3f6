using System.Net;
using FhirBridge.Core.Errors;
using FhirBridge.Core.Storage;
using FhirBridge.Storage.Sql;
using IssueType = Hl7.Fhir.Model.OperationOutcome.IssueType;

namespace FhirBridge.Storage;

/// <summary>
/// <see cref="IResourceStore"/> on a relational database (SQLite or PostgreSQL): runs units of work in transactions,
/// re-runs writers that lost a race and translates every database error into a <see cref="FhirException"/>.
/// </summary>
public sealed class SqlResourceStore : IResourceStore, IAsyncDisposable
{
    private const int MaxWriteAttempts = 6;

    private readonly SqlDialect _dialect;

    internal SqlResourceStore(SqlDialect dialect) => _dialect = dialect;

    public Task<T> WriteAsync<T>(Func<IStoreSession, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        return TranslateAsync(async () =>
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    return await RunAsync(TransactionKind.Write, work, cancellationToken);
                }
                catch (Exception e) when (_dialect.Classify(e) == DbFailure.Conflict && attempt < MaxWriteAttempts)
                {
                    await Task.Delay(Backoff(attempt), cancellationToken);
                }
            }
        });
    }

    public Task<T> ReadAsync<T>(Func<IStoreSession, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        return TranslateAsync(() => RunAsync(TransactionKind.Read, work, cancellationToken));
    }

    public ValueTask DisposeAsync() => _dialect.DisposeAsync();

    internal Task MigrateAsync(CancellationToken cancellationToken) =>
        TranslateAsync(async () =>
        {
            await Migrator.ApplyAsync(_dialect, cancellationToken);
            return true;
        });

    private static TimeSpan Backoff(int attempt) =>
        // Exponential with full jitter, so that racing writers do not collide again in lockstep.
        TimeSpan.FromMilliseconds(Random.Shared.Next(1, 5 << attempt));

    private async Task<T> RunAsync<T>(TransactionKind kind, Func<IStoreSession, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        using var turn = await _dialect.EnterAsync(kind, cancellationToken);
        await using var connection = await _dialect.OpenConnectionAsync(cancellationToken);
        await using var transaction = await _dialect.BeginTransactionAsync(connection, kind, cancellationToken);
        var result = await work(new SqlStoreSession(_dialect, connection, transaction), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    private async Task<T> TranslateAsync<T>(Func<Task<T>> action)
    {
        try
        {
            return await action();
        }
        catch (Exception e) when (_dialect.Classify(e) is var failure && failure != DbFailure.None)
        {
            throw failure switch
            {
                DbFailure.Conflict => new ResourceConflictException("A concurrent write to the same resources won; retry the request."),
                DbFailure.Unavailable => new ServiceUnavailableException("The database is unavailable; retry later."),
                _ => new FhirException(HttpStatusCode.InternalServerError, IssueType.Exception, "The database failed to process the request."),
            };
        }
    }
}
