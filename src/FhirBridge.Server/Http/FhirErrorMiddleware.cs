using System.Net;
using FhirBridge.Core.Errors;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;

namespace FhirBridge.Server.Http;

/// <summary>
/// The one place errors become responses: negotiates the response format, maps <see cref="FhirException"/>,
/// <see cref="BadHttpRequestException"/> and anything unexpected (500, logged) to an OperationOutcome, and gives
/// routing's bodiless 404/405 an OperationOutcome too. In Development a 500 names the exception (type and message), so a
/// failing test shows the cause; elsewhere it says nothing about the server's internals.
/// </summary>
internal sealed class FhirErrorMiddleware(RequestDelegate next, ILogger<FhirErrorMiddleware> logger, IHostEnvironment environment)
{
    public async Task InvokeAsync(HttpContext http)
    {
        try
        {
            // A report route asked for CSV or HTML answers errors in FHIR JSON instead of refusing the _format.
            var textReport = http.GetEndpoint()?.Metadata.GetMetadata<Endpoints.FhirRoute>()?.TextReport == true && ReportFormats.Asked(http.Request);
            http.Features.Set(textReport ? ResponseFormat.NegotiateOrJson(http.Request) : ResponseFormat.Negotiate(http.Request));
            await next(http);
            if (IsBodilessError(http.Response))
            {
                await WriteAsync(http, (HttpStatusCode)http.Response.StatusCode, RoutingOutcome(http));
            }
        }
        catch (FhirException e)
        {
            await WriteAsync(http, e.Status, e.ToOperationOutcome());
        }
        catch (BadHttpRequestException e)
        {
            var code = e.StatusCode == StatusCodes.Status413PayloadTooLarge ? OperationOutcome.IssueType.TooLong : OperationOutcome.IssueType.Invalid;
            await WriteAsync(http, (HttpStatusCode)e.StatusCode, Outcome(code, e.Message));
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nobody is left to answer.
        }
        catch (Exception e)
        {
            logger.LogError(e, "Unhandled error in {Method} {Path}", http.Request.Method, http.Request.Path);
            var message = environment.IsDevelopment()
                ? $"An unexpected server error occurred ({e.GetType().Name}: {e.Message})."
                : "An unexpected server error occurred.";
            await WriteAsync(http, HttpStatusCode.InternalServerError, Outcome(OperationOutcome.IssueType.Exception, message));
        }
    }

    private static bool IsBodilessError(HttpResponse response) =>
        response.StatusCode >= 400 && !response.HasStarted && response.ContentLength is null && string.IsNullOrEmpty(response.ContentType);

    private static OperationOutcome RoutingOutcome(HttpContext http) => http.Response.StatusCode switch
    {
        StatusCodes.Status404NotFound => Outcome(OperationOutcome.IssueType.NotFound, $"No FHIR endpoint at {http.Request.Path}."),
        StatusCodes.Status405MethodNotAllowed => Outcome(
            OperationOutcome.IssueType.NotSupported, $"{http.Request.Method} is not allowed on {http.Request.Path} (allowed: {http.Response.Headers.Allow})."),
        StatusCodes.Status415UnsupportedMediaType => Outcome(
            OperationOutcome.IssueType.NotSupported,
            $"Content-Type '{http.Request.ContentType}' is not supported: send application/fhir+json or application/fhir+xml."),
        _ => Outcome(OperationOutcome.IssueType.Processing, $"The request failed with status {http.Response.StatusCode}."),
    };

    private static OperationOutcome Outcome(OperationOutcome.IssueType code, string message) =>
        new() { Issue = [FhirException.Issue(OperationOutcome.IssueSeverity.Error, code, message)] };

    private async Task WriteAsync(HttpContext http, HttpStatusCode status, OperationOutcome outcome)
    {
        if (http.Response.HasStarted)
        {
            logger.LogWarning("Cannot report {Status} to the client: the response has already started.", (int)status);
            return;
        }

        var allow = http.Response.Headers.Allow;
        var challenge = http.Response.Headers.WWWAuthenticate;
        http.Response.Clear();
        if (status == HttpStatusCode.MethodNotAllowed)
        {
            http.Response.Headers.Allow = allow;
        }

        // A 401 must carry the authentication challenge (RFC 9110 §15.5.2); CallerMiddleware sets it before throwing.
        if (status == HttpStatusCode.Unauthorized)
        {
            http.Response.Headers.WWWAuthenticate = challenge;
        }

        await FhirResults.Error(status, outcome).ExecuteAsync(http);
    }
}
