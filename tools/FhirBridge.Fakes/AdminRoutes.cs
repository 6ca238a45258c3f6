namespace FhirBridge.Fakes;

/// <summary>A request to the fault admin endpoint: each given field sets that switch, absent ones stay.</summary>
public sealed record FaultRequest(
    int? FailNext = null,
    int? FailStatus = null,
    int? HangNext = null,
    int? WrongContentNext = null,
    WrongContentKind? WrongContent = null,
    int? DelayMs = null,
    int? RefuseMs = null);

/// <summary>The admin endpoints outside /fhir: <c>GET|POST /_faults</c>, <c>POST /_faults/reset</c>, <c>GET /_received</c>.</summary>
internal static class AdminRoutes
{
    public static void Map(WebApplication app, FakeFhirSystem fake)
    {
        app.MapGet("/_faults", () => Results.Ok(fake.Faults.Snapshot()));
        app.MapPost("/_faults", (FaultRequest request) =>
        {
            if (request.FailNext is { } fail)
            {
                fake.Faults.FailNext(fail, request.FailStatus ?? 503);
            }

            if (request.HangNext is { } hang)
            {
                fake.Faults.HangNext(hang);
            }

            if (request.WrongContentNext is { } wrong)
            {
                fake.Faults.WrongContentNext(wrong, request.WrongContent ?? WrongContentKind.Html);
            }

            if (request.DelayMs is { } delay)
            {
                fake.Faults.Delay(TimeSpan.FromMilliseconds(delay));
            }

            if (request.RefuseMs is { } refuse)
            {
                // Over HTTP the fake cannot be told to listen again, so refusing always has a duration. The stop
                // runs after this answer: stopping waits for requests in flight, this one included.
                _ = RefuseForAsync(fake, TimeSpan.FromMilliseconds(refuse));
            }

            return Results.Ok(fake.Faults.Snapshot());
        });
        app.MapPost("/_faults/reset", () =>
        {
            fake.Faults.Reset();
            return Results.Ok(fake.Faults.Snapshot());
        });
        app.MapGet("/_received", () => Results.Ok(fake.Received.Select(r => new
        {
            r.Sequence, r.ArrivedAt, r.Method, r.ResourceType, r.Id, r.VersionId, Outcome = r.Outcome.ToString(),
        })));
    }

    private static async Task RefuseForAsync(FakeFhirSystem fake, TimeSpan duration)
    {
        await Task.Yield();
        await fake.RefuseConnectionsAsync();
        await Task.Delay(duration);
        await fake.RestoreConnectionsAsync();
    }
}
