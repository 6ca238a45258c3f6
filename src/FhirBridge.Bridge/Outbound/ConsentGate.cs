using FhirBridge.Bridge.ConnectedSystems;
using FhirBridge.Core.Fhir;
using FhirBridge.Core.Outbox;
using FhirBridge.Core.Search;
using FhirBridge.Core.Security;
using FhirBridge.Core.Storage;
using Hl7.Fhir.Model;

namespace FhirBridge.Bridge.Outbound;

/// <summary>The lawful basis of each client of a push, or why it is withheld.</summary>
/// <param name="Bases">Per client (Patient id) the basis; empty when withheld.</param>
/// <param name="Withheld">Why the push must not happen, or null.</param>
public sealed record GateDecision(IReadOnlyList<(string PatientId, LegalBasis Basis)> Bases, string? Withheld);

/// <summary>
/// Whether a connected system may receive a resource version: the client's consent is evaluated by the same
/// <see cref="AccessPolicy"/> as for any caller, with the recipient organisation as the caller — so an active permit
/// consent must name its OID for the data class and purpose, and an active denial covering it wins. A withdrawn consent
/// (no longer active, or its period over) goes only to the systems that received data under it.
/// </summary>
public sealed class ConsentGate(AccessPolicy policy, IOutbox outbox, DeliveryOptions options, TimeProvider time)
{
    /// <summary>The caller a push is evaluated and logged as: the recipient organisation, no person.</summary>
    public Caller RecipientOf(ConnectedSystem system, Delivery delivery)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(delivery);
        return new Caller(
            $"Endpoint/{system.EndpointId}", null, system.OrganizationOid, CallerRole.Professional, ScopeSet.Parse("system/*.rs"), null, system.Name, null,
            $"outbox-{delivery.Id}", null, options.PurposeOfUse);
    }

    public async Task<GateDecision> DecideAsync(IStoreSession session, ConnectedSystem system, Delivery delivery, StoredResource version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(version);
        var patients = PatientCompartment.PatientsOf(version.Type, version.Json!);
        if (patients.Count == 0)
        {
            return new GateDecision([], $"{version.Type}/{version.Id} names no client, so no consent can cover it.");
        }

        if (version.Type == "Consent" && FhirSerializer.ParseJson(version.Json!) is Consent consent && !InForce(consent))
        {
            var basis = $"Consent/{version.Id}";
            return await outbox.DeliveredUnderAsync(system.EndpointId, basis, cancellationToken)
                ? new GateDecision([.. patients.Select(p => (p, new LegalBasis(LegalBasis.ConsentCode, basis)))], null)
                : new GateDecision([], $"{basis} is withdrawn and Endpoint/{system.EndpointId} received no data under it.");
        }

        var caller = RecipientOf(system, delivery);
        var bases = new List<(string, LegalBasis)>();
        foreach (var patient in patients)
        {
            if (await policy.BasisAsync(session, caller, patient, version.Type, cancellationToken) is not { } basis)
            {
                var dataClass = PatientCompartment.DataClass(version.Type) is { } c ? $"{c} data" : "any data";
                return new GateDecision([], $"No active permit consent of Patient/{patient} covers organisation {system.OrganizationOid} for {version.Type} ({dataClass}) " +
                    $"and purpose {options.PurposeOfUse}, or an active denial covers it.");
            }

            bases.Add((patient, basis));
        }

        return new GateDecision(bases, null);
    }

    // https://hl7.org/fhir/R4/consent.html: only an active consent within its provision period is in force.
    private bool InForce(Consent consent) =>
        consent.Status == Consent.ConsentState.Active
        && (consent.Provision?.Period?.End is not { } end || (FhirDateRange.TryParse(end, out _, out var until) && time.GetUtcNow() < until));
}
