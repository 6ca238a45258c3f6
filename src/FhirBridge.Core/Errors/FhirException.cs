using System.Net;
using Hl7.Fhir.Model;

namespace FhirBridge.Core.Errors;

/// <summary>Base of every error FhirBridge reports to a client; mapped once to an OperationOutcome and HTTP status.</summary>
public class FhirException : Exception
{
    public FhirException(HttpStatusCode status, OperationOutcome.IssueType code, string message, string? expression = null)
        : this(status, [Issue(OperationOutcome.IssueSeverity.Error, code, message, expression)])
    {
    }

    public FhirException(HttpStatusCode status, IReadOnlyList<OperationOutcome.IssueComponent> issues)
        : base(issues.Count > 0 ? issues[0].Diagnostics : status.ToString())
    {
        Status = status;
        Issues = issues;
    }

    public HttpStatusCode Status { get; }

    public IReadOnlyList<OperationOutcome.IssueComponent> Issues { get; }

    public OperationOutcome ToOperationOutcome() => new() { Issue = Issues.Select(i => (OperationOutcome.IssueComponent)i.DeepCopy()).ToList() };

    public static OperationOutcome.IssueComponent Issue(
        OperationOutcome.IssueSeverity severity, OperationOutcome.IssueType code, string message, string? expression = null)
    {
        var issue = new OperationOutcome.IssueComponent { Severity = severity, Code = code, Diagnostics = message };
        // An empty string is not a valid FHIR string (https://hl7.org/fhir/R4/datatypes.html#string): a root-level location has none.
        if (!string.IsNullOrEmpty(expression))
        {
            issue.Expression = [expression];
        }

        return issue;
    }
}

/// <summary>400: the request could not be parsed or is structurally invalid.</summary>
public sealed class BadRequestException : FhirException
{
    public BadRequestException(string message, string? expression = null, OperationOutcome.IssueType code = OperationOutcome.IssueType.Invalid)
        : base(HttpStatusCode.BadRequest, code, message, expression) { }

    public BadRequestException(IReadOnlyList<OperationOutcome.IssueComponent> issues)
        : base(HttpStatusCode.BadRequest, issues) { }
}

/// <summary>404: unknown resource type or id.</summary>
public sealed class ResourceNotFoundException(string message)
    : FhirException(HttpStatusCode.NotFound, OperationOutcome.IssueType.NotFound, message);

/// <summary>410: the resource existed and was deleted.</summary>
public sealed class ResourceGoneException(string message)
    : FhirException(HttpStatusCode.Gone, OperationOutcome.IssueType.Deleted, message);

/// <summary>405: the interaction is not allowed on this resource or type.</summary>
public sealed class MethodNotAllowedException(string message)
    : FhirException(HttpStatusCode.MethodNotAllowed, OperationOutcome.IssueType.NotSupported, message);

/// <summary>409: the request conflicts with the current state (e.g. a concurrent write won).</summary>
public sealed class ResourceConflictException(string message)
    : FhirException(HttpStatusCode.Conflict, OperationOutcome.IssueType.Conflict, message);

/// <summary>412: If-Match or a conditional operation's precondition failed.</summary>
public sealed class PreconditionFailedException(string message)
    : FhirException(HttpStatusCode.PreconditionFailed, OperationOutcome.IssueType.Conflict, message);

/// <summary>413: the request body exceeds the configured limit.</summary>
public sealed class PayloadTooLargeException(string message)
    : FhirException(HttpStatusCode.RequestEntityTooLarge, OperationOutcome.IssueType.TooLong, message);

/// <summary>415: the request body's media type is not supported.</summary>
public sealed class UnsupportedMediaTypeException(string message)
    : FhirException(HttpStatusCode.UnsupportedMediaType, OperationOutcome.IssueType.NotSupported, message);

/// <summary>422: the resource is well-formed but breaks a business or profile rule.</summary>
public sealed class UnprocessableEntityException : FhirException
{
    public UnprocessableEntityException(string message, string? expression = null)
        : base(HttpStatusCode.UnprocessableEntity, OperationOutcome.IssueType.Processing, message, expression) { }

    public UnprocessableEntityException(IReadOnlyList<OperationOutcome.IssueComponent> issues)
        : base(HttpStatusCode.UnprocessableEntity, issues) { }
}

/// <summary>503: a dependency (e.g. the database) is unavailable; the request had no effect.</summary>
public sealed class ServiceUnavailableException(string message)
    : FhirException(HttpStatusCode.ServiceUnavailable, OperationOutcome.IssueType.Transient, message);

/// <summary>401: no valid bearer token (https://hl7.org/fhir/smart-app-launch/); the body says why.</summary>
public sealed class UnauthorizedException(string message)
    : FhirException(HttpStatusCode.Unauthorized, OperationOutcome.IssueType.Login, message);

/// <summary>403: the caller is known but its role, scopes or lawful basis do not allow the interaction.</summary>
public sealed class ForbiddenException(string message, string? expression = null)
    : FhirException(HttpStatusCode.Forbidden, OperationOutcome.IssueType.Forbidden, message, expression);
