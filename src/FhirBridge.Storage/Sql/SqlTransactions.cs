using System.Data.Common;
using System.Net;
using FhirBridge.Core.Errors;
using IssueType = Hl7.Fhir.Model.OperationOutcome.IssueType;

namespace FhirBridge.Storage.Sql;

/// <summary>Runs work in one transaction of a dialect and translates database errors into <see cref="FhirException"/>s.</summary>
internal sealed class SqlTransactions(SqlDialect dialect)
{
    public SqlDialect Dialect => dialect;

    /// <summary>Runs <paramref name="work"/> in a new transaction of <paramref name="kind"/> and commits it; database errors pass through.</summary>
    public async Task<T> RunAsync<T>(TransactionKind kind, Func<DbConnection, DbTransaction, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        using var turn = await dialect.EnterAsync(kind, cancellationToken);
        await using var connection = await dialect.OpenConnectionAsync(cancellationToken);
        await using var transaction = await dialect.BeginTransactionAsync(connection, kind, cancellationToken);
        var result = await work(connection, transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    /// <summary>Runs <paramref name="action"/>, turning database errors into 409 (lost race), 503 (unavailable) or 500.</summary>
    public async Task<T> TranslateAsync<T>(Func<Task<T>> action)
    {
        try
        {
            return await action();
        }
        catch (Exception e) when (dialect.Classify(e) is var failure && failure != DbFailure.None)
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
