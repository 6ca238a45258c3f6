namespace FhirBridge.Fakes;

/// <summary>Applies the fault switches to every request under /fhir (the admin endpoints stay reachable).</summary>
internal sealed class FaultMiddleware(FaultSwitches faults, IHostApplicationLifetime lifetime)
{
    private const string Html = "<!DOCTYPE html><html><head><title>Maintenance</title></head><body><h1>Service under maintenance</h1></body></html>";
    private const string InvalidJson = "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":[{";

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (!context.Request.Path.StartsWithSegments("/fhir"))
        {
            await next(context);
            return;
        }

        var decision = faults.Next();
        if (decision.Delay > TimeSpan.Zero)
        {
            await Task.Delay(decision.Delay, context.RequestAborted);
        }

        if (decision.Hang)
        {
            await HangAsync(context);
            return;
        }

        if (decision.FailStatus is { } status)
        {
            await FhirJson.Outcome(status, $"Fault injected: {status}.", Hl7.Fhir.Model.OperationOutcome.IssueType.Transient).ExecuteAsync(context);
            return;
        }

        if (decision.WrongContent is { } kind)
        {
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = kind == WrongContentKind.Html ? "text/html; charset=utf-8" : FhirJson.ContentType;
            await context.Response.WriteAsync(kind == WrongContentKind.Html ? Html : InvalidJson, context.RequestAborted);
            return;
        }

        await next(context);
    }

    // Never answers: waits until the client gives up, the faults are reset or the fake stops, then drops the connection.
    private async Task HangAsync(HttpContext context)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, faults.Released, lifetime.ApplicationStopping);
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, wait.Token);
        }
        catch (OperationCanceledException)
        {
            context.Abort();
        }
    }
}
