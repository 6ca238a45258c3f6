using FhirBridge.Bridge.ConnectedSystems;
using FhirBridge.Core.Audit;
using FhirBridge.Core.Outbox;
using FhirBridge.Core.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using AuditEventAction = Hl7.Fhir.Model.AuditEvent.AuditEventAction;

namespace FhirBridge.Bridge.Outbound;

/// <summary>
/// Delivers the outbox: claims due rows under a lease, checks consent again, pushes, and records the outcome — a done
/// delivery together with its DisclosureLogEvents in one transaction. A failed attempt waits an exponentially growing,
/// jittered delay; after <see cref="DeliveryOptions.MaxAttempts"/> the row is dead-lettered. A worker stopped mid-delivery
/// records nothing: its lease expires and a worker (this or another process) delivers the row again.
/// </summary>
public sealed class DeliveryWorker(IServiceProvider services, DeliveryOptions options, TimeProvider time, ILogger<DeliveryWorker> logger) : BackgroundService
{
    private readonly string _owner = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    /// <summary>Claims and delivers one batch; returns how many deliveries it handled.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var outbox = services.GetRequiredService<IOutbox>();
        var claimed = await outbox.ClaimAsync(_owner, options.BatchSize, time.GetUtcNow(), options.Lease, cancellationToken);
        await Task.WhenAll(claimed.Select(d => DeliverAsync(outbox, d, cancellationToken)));
        return claimed.Count;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Enabled)
        {
            logger.LogInformation("Bridge:Delivery:Enabled is false: this process delivers no outbox rows.");
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            var handled = 0;
            try
            {
                handled = await RunOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // E.g. the database is briefly unavailable: the rows stay in the outbox for the next cycle.
                logger.LogError(e, "Outbox delivery cycle failed.");
            }

            if (handled == 0)
            {
                try
                {
                    await Task.Delay(options.PollInterval, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task DeliverAsync(IOutbox outbox, Delivery delivery, CancellationToken cancellationToken)
    {
        var (outcome, entries) = await AttemptAsync(delivery, cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        if (!await outbox.FinishAsync(delivery, _owner, outcome, entries, time.GetUtcNow(), CancellationToken.None))
        {
            logger.LogWarning("Outbox row {Id}: the lease expired before the attempt ended; another worker owns it.", delivery.Id);
        }
        else if (outcome.Status is DeliveryStatus.DeadLetter)
        {
            logger.LogWarning("Outbox row {Id} ({Version} to Endpoint/{Endpoint}) dead-lettered: {Reason}", delivery.Id, delivery.VersionReference, delivery.EndpointId, outcome.Reason);
        }
    }

    private async Task<(DeliveryOutcome, IReadOnlyList<AuditEntry>)> AttemptAsync(Delivery delivery, CancellationToken cancellationToken)
    {
        var store = services.GetRequiredService<IResourceStore>();
        var gate = services.GetRequiredService<ConsentGate>();
        var plan = await store.ReadAsync((session, ct) => PrepareAsync(session, gate, delivery, ct), cancellationToken);
        if (plan.Final is { } final)
        {
            return (final, []);
        }

        var result = await services.GetRequiredService<Pusher>().PushAsync(plan.System!, delivery.ResourceType, delivery.ResourceId, plan.Json!, cancellationToken);
        return result.Status switch
        {
            PushStatus.Accepted => (new DeliveryOutcome(DeliveryStatus.Done, Basis: plan.Bases[0].Basis.Source), Disclosures(gate, plan, delivery)),
            PushStatus.Superseded => (new DeliveryOutcome(DeliveryStatus.Superseded, $"The system holds a newer version ({result.Problem})."), []),
            PushStatus.Rejected => (Failed(delivery, result.Problem!, retryable: false), []),
            _ => (Failed(delivery, result.Problem!, retryable: true), []),
        };
    }

    private async Task<DeliveryPlan> PrepareAsync(IStoreSession session, ConsentGate gate, Delivery delivery, CancellationToken cancellationToken)
    {
        var systems = await services.GetRequiredService<ConnectedSystemDirectory>().LoadAsync(session, cancellationToken);
        if (systems.Systems.FirstOrDefault(s => s.EndpointId == delivery.EndpointId) is not { } system)
        {
            return DeliveryPlan.Stop(DeliveryStatus.Withheld, $"Endpoint/{delivery.EndpointId} is no longer an active, usable connected system.");
        }

        var version = await session.GetAsync(delivery.ResourceType, delivery.ResourceId, delivery.Version, cancellationToken);
        if (version?.Json is null)
        {
            return DeliveryPlan.Stop(DeliveryStatus.Superseded, $"{delivery.VersionReference} no longer exists.");
        }

        var decision = await gate.DecideAsync(session, system, delivery, version, cancellationToken);
        return decision.Withheld is { } reason
            ? DeliveryPlan.Stop(DeliveryStatus.Withheld, reason)
            : new DeliveryPlan(null, system, version.Json, decision.Bases);
    }

    private IReadOnlyList<AuditEntry> Disclosures(ConsentGate gate, DeliveryPlan plan, Delivery delivery)
    {
        var factory = services.GetRequiredService<AuditEventFactory>();
        var recipient = gate.RecipientOf(plan.System!, delivery);
        var interaction = new Interaction("update", AuditEventAction.R, $"{delivery.ResourceType}/{delivery.ResourceId}");
        return [.. plan.Bases.Select(b => factory.ForDisclosure(
            recipient, interaction, b.PatientId, [new LoggedData(delivery.VersionReference, b.PatientId, b.Basis, AuditEventAction.R)], b.Basis))];
    }

    private DeliveryOutcome Failed(Delivery delivery, string problem, bool retryable)
    {
        if (!retryable || delivery.Attempts >= options.MaxAttempts)
        {
            var why = retryable ? $"gave up after {delivery.Attempts} attempts" : "retrying cannot help";
            return new DeliveryOutcome(DeliveryStatus.DeadLetter, $"{problem} ({why}).");
        }

        // Exponential backoff with "equal jitter": half the delay fixed, half random, so retries of many rows spread out.
        var exponential = options.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, delivery.Attempts - 1);
        var delay = Math.Min(exponential, options.RetryMaxDelay.TotalMilliseconds);
        var jittered = TimeSpan.FromMilliseconds((delay / 2) + (Random.Shared.NextDouble() * delay / 2));
        return new DeliveryOutcome(DeliveryStatus.Pending, $"Attempt {delivery.Attempts} failed: {problem}", RetryAt: time.GetUtcNow() + jittered);
    }

    /// <summary>What a delivery needs after the consent check, or its final outcome without a push.</summary>
    private sealed record DeliveryPlan(DeliveryOutcome? Final, ConnectedSystem? System, string? Json, IReadOnlyList<(string PatientId, Core.Security.LegalBasis Basis)> Bases)
    {
        public static DeliveryPlan Stop(DeliveryStatus status, string reason) => new(new DeliveryOutcome(status, reason), null, null, []);
    }
}
