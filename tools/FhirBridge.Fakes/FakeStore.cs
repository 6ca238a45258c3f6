using System.Globalization;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;

namespace FhirBridge.Fakes;

/// <summary>The result of one write: the HTTP status, the stored resource after it and, when rejected, why.</summary>
public sealed record WriteResult(WriteOutcome Outcome, int Status, Resource Stored, string? Problem);

/// <summary>The in-memory resources of a fake and every write it received, thread-safe.</summary>
/// <remarks>
/// The rule the bridge follows so that a stale version never overwrites a newer one: it pushes each resource with
/// <c>meta.versionId</c> set to the version in FhirBridge (an integer). A pushed version lower than the stored one is
/// rejected with 409, the same version again is accepted with 200 and changes nothing (a retry), a higher one replaces
/// the stored one. A push without <c>meta.versionId</c> gets the stored version + 1. <c>If-Match: W/"n"</c> must name
/// the stored version, else 412 (https://hl7.org/fhir/R4/http.html#concurrency).
/// </remarks>
public sealed class FakeStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Type, string Id), Resource> _current = [];
    private readonly List<ReceivedVersion> _received = [];
    private readonly TimeProvider _time;
    private TaskCompletionSource _changed = NewSignal();

    public FakeStore(TimeProvider? time = null) => _time = time ?? TimeProvider.System;

    /// <summary>Every write received over HTTP that the store decided on, in arrival order: retries and stale or If-Match rejections too.</summary>
    public IReadOnlyList<ReceivedVersion> Received
    {
        get
        {
            lock (_lock)
            {
                return [.. _received];
            }
        }
    }

    /// <summary>The writes received for one resource, in arrival order.</summary>
    public IReadOnlyList<ReceivedVersion> ReceivedFor(string resourceType, string id) =>
        [.. Received.Where(r => r.ResourceType == resourceType && r.Id == id)];

    /// <summary>The stored (current) resource, or null.</summary>
    public Resource? Get(string resourceType, string id)
    {
        lock (_lock)
        {
            return _current.TryGetValue((resourceType, id), out var r) ? (Resource)r.DeepCopy() : null;
        }
    }

    /// <summary>The current resources of a type matching <paramref name="predicate"/>.</summary>
    public IReadOnlyList<Resource> Find(string resourceType, Func<Resource, bool> predicate)
    {
        lock (_lock)
        {
            return [.. _current.Where(e => e.Key.Type == resourceType && predicate(e.Value)).Select(e => (Resource)e.Value.DeepCopy())];
        }
    }

    /// <summary>Stores a resource without recording it as received (test data such as statutory plans).</summary>
    public void Seed(Resource resource)
    {
        ArgumentException.ThrowIfNullOrEmpty(resource.Id);
        resource.Meta ??= new Meta();
        resource.Meta.VersionId ??= "1";
        resource.Meta.LastUpdated ??= _time.GetUtcNow();
        lock (_lock)
        {
            _current[(resource.TypeName, resource.Id)] = (Resource)resource.DeepCopy();
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds for <see cref="Received"/>; throws <see cref="TimeoutException"/> after <paramref name="timeout"/>.</summary>
    public async Task<IReadOnlyList<ReceivedVersion>> WaitForAsync(Func<IReadOnlyList<ReceivedVersion>, bool> condition, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            Task changed;
            IReadOnlyList<ReceivedVersion> received;
            lock (_lock)
            {
                changed = _changed.Task;
                received = [.. _received];
            }

            if (condition(received))
            {
                return received;
            }

            try
            {
                await changed.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"The condition did not hold within {timeout}; {received.Count} write(s) received.");
            }
        }
    }

    /// <summary>Conditional update (https://hl7.org/fhir/R4/http.html#cond-update): no match creates, one match
    /// updates it, several are 412. Matching and writing happen atomically.</summary>
    internal WriteResult WriteConditional(string method, Resource resource, Func<Resource, bool> match, string? ifMatch)
    {
        lock (_lock)
        {
            var matches = _current.Where(e => e.Key.Type == resource.TypeName && match(e.Value)).Select(e => e.Key.Id).ToList();
            return matches.Count > 1
                ? new WriteResult(WriteOutcome.Rejected, 412, resource, $"{matches.Count} resources match the condition.")
                : WriteLocked(method, resource, matches.SingleOrDefault() ?? resource.Id, ifMatch);
        }
    }

    /// <summary>Creates, updates or rejects one write under the versioning rule above and records it.</summary>
    /// <param name="id">The target id; null for a create with a new id.</param>
    /// <param name="ifMatch">The version named by <c>If-Match</c>, if any.</param>
    internal WriteResult Write(string method, Resource resource, string? id, string? ifMatch)
    {
        lock (_lock)
        {
            return WriteLocked(method, resource, id, ifMatch);
        }
    }

    private WriteResult WriteLocked(string method, Resource resource, string? id, string? ifMatch)
    {
        resource.Id = id ?? Guid.NewGuid().ToString("N");
        resource.Meta ??= new Meta();
        var key = (resource.TypeName, resource.Id);
        _current.TryGetValue(key, out var stored);
        var storedVersion = stored is null ? 0 : VersionOf(stored);
        var (outcome, status, problem) = Decide(resource, stored, storedVersion, ifMatch);
        if (outcome is WriteOutcome.Created or WriteOutcome.Updated)
        {
            resource.Meta.VersionId ??= (storedVersion + 1).ToString(CultureInfo.InvariantCulture);
            resource.Meta.LastUpdated = _time.GetUtcNow();
            _current[key] = (Resource)resource.DeepCopy();
        }

        _received.Add(new ReceivedVersion(
            _received.Count + 1, _time.GetUtcNow(), method, resource.TypeName, resource.Id, resource.Meta.VersionId, outcome, (Resource)resource.DeepCopy()));
        var changed = _changed;
        _changed = NewSignal();
        changed.SetResult();
        var current = _current.TryGetValue(key, out var now) ? now : resource;
        return new WriteResult(outcome, status, (Resource)current.DeepCopy(), problem);
    }

    private static (WriteOutcome, int, string?) Decide(Resource pushed, Resource? stored, long storedVersion, string? ifMatch)
    {
        if (ifMatch is not null && ifMatch != storedVersion.ToString(CultureInfo.InvariantCulture))
        {
            return (WriteOutcome.Rejected, 412, $"If-Match names version {ifMatch}, the stored version is {storedVersion}.");
        }

        var created = (WriteOutcome.Created, 201, (string?)null);
        if (pushed.Meta?.VersionId is not { } given)
        {
            return stored is null ? created : (WriteOutcome.Updated, 200, null);
        }

        if (!long.TryParse(given, NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            return (WriteOutcome.Rejected, 400, $"meta.versionId '{given}' is not a non-negative integer.");
        }

        return stored is null ? created
            : version > storedVersion ? (WriteOutcome.Updated, 200, null)
            : version == storedVersion ? (WriteOutcome.Unchanged, 200, null)
            : (WriteOutcome.Rejected, 409, $"Version {version} is older than the stored version {storedVersion}.");
    }

    private static long VersionOf(Resource r) =>
        long.TryParse(r.Meta?.VersionId, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : 0;

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
