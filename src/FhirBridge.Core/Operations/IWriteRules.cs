using FhirBridge.Core.Storage;
using Hl7.Fhir.Model;

namespace FhirBridge.Core.Operations;

/// <summary>
/// Business rules every write path (create, update, conditional update, transaction entry) applies before a version is
/// validated and stored: they may refuse it (422), complete server-set elements, and ask for resources to be written
/// with it in the same unit of work.
/// </summary>
internal interface IWriteRules
{
    /// <summary>Checks <paramref name="resource"/> (id and meta already set) and returns the writes that must follow it.</summary>
    /// <param name="lookups">The store's own view: what the rules read decides the write and never reaches the caller.</param>
    Task<IReadOnlyList<FollowingWrite>> ApplyAsync(IStoreSession lookups, Resource resource, CancellationToken cancellationToken);
}

/// <summary>A write a rule asks for: a new resource (<see cref="Id"/> null) or a new version of an existing one.</summary>
internal sealed record FollowingWrite(Resource Resource, string? Id = null);
