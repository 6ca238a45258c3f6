using System.Globalization;
using FhirBridge.Core.Errors;
using FhirBridge.Core.Outbox;
using FhirBridge.Core.Security;
using Hl7.Fhir.Model;

namespace FhirBridge.Bridge.Outbound;

/// <summary>
/// The administrators' view of the outbox: <c>Endpoint/[id]/$deliveries</c> lists deliveries (status=pending | done |
/// withheld | superseded | dead-letter, _count) with their reasons as a Parameters resource; <c>Endpoint/[id]/$retry</c>
/// makes dead letters pending again (one with delivery=[id]).
/// </summary>
public sealed class OutboxAdmin(IOutbox outbox, TimeProvider time)
{
    public const int MaxCount = 1000;

    private static readonly IReadOnlyDictionary<string, DeliveryStatus> Statuses = new Dictionary<string, DeliveryStatus>(StringComparer.Ordinal)
    {
        ["pending"] = DeliveryStatus.Pending,
        ["done"] = DeliveryStatus.Done,
        ["withheld"] = DeliveryStatus.Withheld,
        ["superseded"] = DeliveryStatus.Superseded,
        ["dead-letter"] = DeliveryStatus.DeadLetter,
    };

    public async Task<Parameters> ListAsync(Caller caller, string? endpointId, IReadOnlyList<KeyValuePair<string, string>> query, CancellationToken cancellationToken)
    {
        AccessPolicy.RequireAdministrator(caller, "The outbox");
        DeliveryStatus? status = Single(query, "status") is { } text
            ? Statuses.TryGetValue(text, out var parsed) ? parsed : throw new BadRequestException(
                $"status '{text}' is not one of {string.Join(", ", Statuses.Keys)}.", "status")
            : null;
        var count = Single(query, "_count") is { } countText
            ? int.TryParse(countText, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is > 0 and <= MaxCount
                ? n
                : throw new BadRequestException($"_count '{countText}' must be a whole number from 1 to {MaxCount}.", "_count")
            : 100;
        var deliveries = await outbox.SearchAsync(new DeliveryQuery(endpointId, status, count), cancellationToken);
        return new Parameters { Parameter = [.. deliveries.Select(Describe)] };
    }

    public async Task<Parameters> RetryAsync(Caller caller, string? endpointId, IReadOnlyList<KeyValuePair<string, string>> query, CancellationToken cancellationToken)
    {
        AccessPolicy.RequireAdministrator(caller, "Retrying deliveries");
        long? id = Single(query, "delivery") is { } text
            ? long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : throw new BadRequestException($"delivery '{text}' is not a delivery id.", "delivery")
            : null;
        var retried = await outbox.RetryDeadLettersAsync(endpointId, id, time.GetUtcNow(), cancellationToken);
        if (id is not null && retried == 0)
        {
            throw new ResourceNotFoundException($"There is no dead-lettered delivery {id}{(endpointId is null ? "" : $" to Endpoint/{endpointId}")}.");
        }

        return new Parameters { Parameter = [new Parameters.ParameterComponent { Name = "retried", Value = new Integer(retried) }] };
    }

    private static string? Single(IReadOnlyList<KeyValuePair<string, string>> query, string name) =>
        query.Where(p => p.Key == name).Select(p => p.Value).LastOrDefault();

    private static Parameters.ParameterComponent Describe(Delivery delivery)
    {
        var parts = new List<Parameters.ParameterComponent>
        {
            Part("id", new FhirString(delivery.Id.ToString(CultureInfo.InvariantCulture))),
            Part("endpoint", new ResourceReference($"Endpoint/{delivery.EndpointId}")),
            Part("resource", new ResourceReference(delivery.VersionReference)),
            Part("status", new Code(Statuses.First(s => s.Value == delivery.Status).Key)),
            Part("attempts", new Integer(delivery.Attempts)),
            Part("created", new Instant(delivery.CreatedAt)),
        };
        if (delivery.Status == DeliveryStatus.Pending)
        {
            parts.Add(Part("nextAttempt", new Instant(delivery.NextAttemptAt)));
        }

        if (delivery.FinishedAt is { } finished)
        {
            parts.Add(Part("finished", new Instant(finished)));
        }

        if (delivery.Reason is { } reason)
        {
            parts.Add(Part("reason", new FhirString(reason)));
        }

        if (delivery.Basis is { } basis)
        {
            parts.Add(Part("basis", new ResourceReference(basis)));
        }

        return new Parameters.ParameterComponent { Name = "delivery", Part = parts };
    }

    private static Parameters.ParameterComponent Part(string name, DataType value) => new() { Name = name, Value = value };
}
